"""SDTM-specific steps the generic mapping engine cannot express (trial design, SE/SV, EPOCH, SUPP--)."""
