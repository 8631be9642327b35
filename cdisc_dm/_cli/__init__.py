"""One module per ``cdisc-dm`` sub-command (discovered by :mod:`cdisc_dm.cli`)."""
