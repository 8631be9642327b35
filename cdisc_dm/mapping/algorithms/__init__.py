"""The mapping algorithm catalog: one module per algorithm, named after its spec word.

Every module registers a vectorized function with :func:`cdisc_dm.mapping.registry.register`;
:func:`cdisc_dm.mapping.registry.algorithms` imports them all. ``docs/mapping-spec.md`` has an
example of each.
"""
