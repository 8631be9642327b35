"""Which datasets a rule applies to: Scope Classes and Domains, Include and Exclude.

Domain keywords (CORE's scope documentation): ``ALL``; ``SUPP--`` / ``SUPPQUAL`` match every
supplemental-qualifier dataset; ``SPLIT DATASETS`` matches a dataset whose name differs from its
domain (LBCH); ``AP--`` matches Associated Persons datasets. A split dataset is in scope for its
domain (``LB`` covers ``LBCH``, SDTMIG 3.4 section 4.1.7). A Findings About dataset (FA, SR) is
also a Findings dataset.

Example::

    in_scope(rule.scope, data["LBCH"])   # True for Domains Include [LB]
"""
from __future__ import annotations

from .rule import Scope
from .study_data import StudyDataset

__all__ = ["in_scope", "domain_matches", "class_matches"]


def domain_matches(token: str, ds: StudyDataset) -> bool:
    token = token.upper()
    if token == "ALL":
        return True
    if token in ("SUPP--", "SUPPQUAL", "SQ--"):
        return ds.is_supp
    if token == "SPLIT DATASETS":
        return ds.is_split
    if token == "AP--":
        return ds.domain.startswith("AP") and not ds.is_supp
    if token == "AP SPLIT DATASETS":
        return ds.domain.startswith("AP") and ds.is_split
    if token.startswith("SUPP") and token.endswith("--"):
        return ds.is_supp
    return token == ds.name or (not ds.is_supp and token == ds.domain) or (ds.is_supp and token == ds.domain)


def class_matches(token: str, ds: StudyDataset) -> bool:
    token = token.upper()
    if token == "ALL":
        return True
    if ds.klass is None:
        return False
    if token == ds.klass:
        return True
    return token == "FINDINGS" and ds.klass == "FINDINGS ABOUT"


def in_scope(scope: Scope, ds: StudyDataset) -> bool:
    named = any(t not in ("ALL",) and domain_matches(t, ds) for t in scope.domains_include)
    if not any(domain_matches(t, ds) for t in scope.domains_include):
        return False
    if any(domain_matches(t, ds) for t in scope.domains_exclude):
        return False
    if not any(class_matches(t, ds) for t in scope.classes_include):
        # a custom domain named explicitly has no class we can know: the domain list decides
        if not (named and ds.klass is None):
            return False
    if any(class_matches(t, ds) and t != "ALL" for t in scope.classes_exclude):
        return False
    return True
