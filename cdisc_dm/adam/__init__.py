"""ADaM derivation library in the style of pharmaverse admiral (vectorized pandas).

Names say what comes back: ``derive_var_*`` adds one column, ``derive_vars_*`` several,
``derive_param_*`` adds parameter rows, ``compute_*`` maps vectors to a vector.
"""
