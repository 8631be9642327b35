"""Conformance validation of SDTM/ADaM packages with CDISC CORE-format rules."""
