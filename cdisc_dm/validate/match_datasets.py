"""Match Datasets: bring other datasets' variables onto the evaluated records before the check.

Two kinds (CORE rule format):

- a plain match (``Name: DM, Keys: [USUBJID]``): a left join on the keys; variables the
  evaluated dataset already has come in as ``DM.NAME``;
- a child/relationship match (``Child: true`` on SUPP--, CO or RELREC): each relationship record
  is resolved against its parent records (SDTMIG 3.4 section 8.4): the parent is the dataset its
  RDOMAIN references — for ``SUPPLBCH`` the split parent ``LBCH`` — and the record's IDVAR/IDVARVAL
  pair selects the parent record(s) of the same USUBJID. The variable named by IDVAR then holds the
  parent's value on matched records and is empty otherwise, so ``IDVARVAL equal_to IDVAR
  (value_is_reference)`` tests that the referenced record exists. Numbers compare as numbers
  ("1" and 1.0 are the same --SEQ).

Records are never multiplied away: the column ``__row__`` keeps each evaluated record's 0-based
position in its dataset, and a join that fans out keeps one finding per record.

Example::

    frame = apply_match_datasets(frame, rule, ds, study)
"""
from __future__ import annotations

import re
from typing import Any

import numpy as np
import pandas as pd

from .context import ColumnMissing, NotApplicable
from .rule import Condition, MatchDataset, Rule
from .study_data import StudyData, StudyDataset
from .values import as_text, cached, keyed_buffer, map_unique

__all__ = ["apply_match_datasets", "key_text", "ROW"]

ROW = "__row__"
_RELATIONSHIP = ("SUPP--", "SUPPQUAL", "CO", "RELREC")


def _is_child_match(md: MatchDataset, ds: StudyDataset) -> bool:
    if not md.child and not md.is_relationship:
        return False
    if md.name in ("SUPP--", "SUPPQUAL") or md.name.startswith("SUPP"):
        return ds.is_supp
    return md.name == ds.name or md.name == ds.domain


def key_text(s: pd.Series, key: tuple | None = None) -> pd.Series:
    """Join-key text (trimmed; numbers without trailing zeros), memoized per dataset column when ``key``."""
    return cached(s, "key_text", lambda x: map_unique(as_text(x), lambda u: u.str.strip()), key=key)


_key_text = key_text


def _resolve_parents(frame: pd.DataFrame, ds: StudyDataset, study: StudyData) -> pd.DataFrame:
    if not {"IDVAR", "IDVARVAL"} <= set(frame.columns):
        return frame
    frame = frame.copy()
    rdom = _key_text(frame["RDOMAIN"]) if "RDOMAIN" in frame.columns else pd.Series(ds.rdomain or "", index=frame.index)
    idvar = _key_text(frame["IDVAR"])
    idval = _key_text(frame["IDVARVAL"])
    subj = _key_text(frame["USUBJID"]) if "USUBJID" in frame.columns else pd.Series("", index=frame.index)
    groups = pd.DataFrame({"d": rdom, "v": idvar}).drop_duplicates()
    for dom, var in groups.itertuples(index=False):
        if not dom or not var or var in frame.columns:
            continue
        if ds.is_supp and ds.parent in study.datasets:
            parents = [study.datasets[ds.parent]]
        else:
            parents = study.by_domain(dom)
        rows = ((rdom == dom) & (idvar == var)).to_numpy()
        if var not in frame.columns:
            frame[var] = pd.Series([None] * len(frame), index=frame.index, dtype=object)
        found = [
            pd.DataFrame({
                "s": _key_text(p.frame["USUBJID"], (study.token, p.name, "USUBJID")) if "USUBJID" in p.frame.columns else "",
                "v": _key_text(p.frame[var], (study.token, p.name, var)),
            })
            for p in parents
            if var in p.frame.columns
        ]
        if not found:
            continue
        keys = pd.concat(found, ignore_index=True).drop_duplicates()
        pairs = pd.MultiIndex.from_arrays([subj[rows], idval[rows]])
        hit = pairs.isin(pd.MultiIndex.from_frame(keys[["s", "v"]]))
        # dataset-level relationships (RELREC without USUBJID) match on the value alone
        hit = hit | ((subj[rows] == "").to_numpy() & idval[rows].isin(set(keys["v"])).to_numpy())
        sub = frame.index[rows]
        frame.loc[sub, var] = idval[rows].where(hit, None).astype(object).to_numpy()
    return frame


def _supp_pivot(frame: pd.DataFrame, supps: list[StudyDataset]) -> pd.DataFrame:
    """Supplemental qualifiers as columns (SDTMIG 3.4 section 8.4.1): QNAM becomes a variable holding QVAL.

    Each SUPP record attaches to the parent records of its USUBJID whose IDVAR equals IDVARVAL
    (all of the subject's records when IDVAR is empty).
    """
    supp = pd.concat([d.frame for d in supps], ignore_index=True) if len(supps) > 1 else supps[0].frame
    if not {"USUBJID", "QNAM", "QVAL"} <= set(supp.columns) or "USUBJID" not in frame.columns:
        return frame
    q = pd.DataFrame({
        "u": _key_text(supp["USUBJID"]),
        "iv": _key_text(supp["IDVAR"]) if "IDVAR" in supp.columns else "",
        "ivv": _key_text(supp["IDVARVAL"]) if "IDVARVAL" in supp.columns else "",
        "qnam": _key_text(supp["QNAM"]),
        "qval": supp["QVAL"].astype(object),
    })
    out = frame.copy()
    subj = _key_text(frame["USUBJID"])
    for var, grp in q.groupby("iv", sort=True):
        wide = grp.drop_duplicates(["u", "ivv", "qnam"]).pivot(index=["u", "ivv"], columns="qnam", values="qval")
        if var:
            if var not in frame.columns:
                continue
            keys = pd.MultiIndex.from_arrays([subj, _key_text(frame[var])])
        else:
            keys = pd.MultiIndex.from_arrays([subj, pd.Series("", index=frame.index)])
        picked = wide.reindex(keys)
        for qnam in wide.columns:
            vals = picked[qnam].to_numpy()
            if qnam in out.columns and qnam not in frame.columns:
                prev = out[qnam].to_numpy()
                vals = pd.Series(prev).where(pd.Series(prev).notna(), pd.Series(vals)).to_numpy()
            if qnam not in frame.columns:
                out[qnam] = vals
    return out


def _join(frame: pd.DataFrame, md: MatchDataset, ds: StudyDataset, study: StudyData, rule: Rule) -> pd.DataFrame:
    others = study.by_domain(md.name) or ([study.datasets[md.name]] if md.name in study.datasets else [])
    if not others and md.name.startswith("SUPP"):
        others = [d for d in study.datasets.values() if d.is_supp and (d.name == md.name or (md.name == "SUPP--" and d.parent == ds.name))]
    if not others:
        raise NotApplicable(f"Match Datasets: no {md.name} dataset in the package")
    if all(o.is_supp for o in others) and not ds.is_supp:
        return _supp_pivot(frame, others)
    right = others[0].frame if len(others) == 1 else pd.concat([o.frame for o in others], ignore_index=True)
    left_keys, right_keys = [], []
    for k in md.keys:
        if isinstance(k, dict):
            lk, rk = str(k.get("left")), str(k.get("right"))
        else:
            lk = rk = str(k)
        lk = lk.replace("--", ds.prefix, 1) if "--" in lk else lk
        rk = rk.replace("--", others[0].prefix, 1) if "--" in rk else rk
        if lk not in frame.columns:
            raise ColumnMissing(lk)
        if rk not in right.columns:
            raise ColumnMissing(f"{md.name}.{rk}")
        left_keys.append(lk)
        right_keys.append(rk)
    tmp = [f"__k{i}" for i in range(len(left_keys))]
    in_order = len(frame) == len(ds.frame) and (ROW not in frame.columns or bool((frame[ROW].to_numpy() == range(len(frame))).all()))
    left_text = [_key_text(frame[c], (study.token, ds.name, c) if in_order and c in ds.frame.columns else None) for c in left_keys]
    right_text = [_key_text(right[c], (study.token, others[0].name, c) if len(others) == 1 else None) for c in right_keys]
    wanted = referenced_names(rule, (ds.prefix, others[0].prefix))
    rename = {}
    for c in right.columns:
        if c in right_keys:
            continue
        new = f"{md.name}.{c}" if c in frame.columns else c
        # only the variables the rule can refer to come over: a join of DM onto a million
        # records would otherwise copy every DM variable onto every record
        if wanted is None or new in wanted or c in wanted:
            rename[c] = new
    r = right[list(rename)].rename(columns=rename)
    rkeys = pd.MultiIndex.from_arrays(right_text) if len(right_text) > 1 else pd.Index(right_text[0])
    if rkeys.is_unique:
        # each record has at most one partner: take the partner's values (the record's own
        # columns are not copied, as a merge would)
        def lookup(_) -> np.ndarray:
            lkeys = pd.MultiIndex.from_arrays(left_text) if len(left_text) > 1 else pd.Index(left_text[0])
            return rkeys.get_indexer(lkeys)
        # the partner of each record is the same for every rule joining the same datasets on the
        # same keys (DM onto each dataset by USUBJID): looked up once per run
        same_run = in_order and len(others) == 1
        join_key = (study.token, ds.name, others[0].name, tuple(left_keys), tuple(right_keys))
        at = cached(frame, "join", lookup, key=join_key) if same_run else lookup(None)
        out = frame.copy(deep=False)
        for c in r.columns:
            def spread(_, c=c) -> np.ndarray:
                return pd.api.extensions.take(r[c].to_numpy(), at, allow_fill=True)
            values = cached(frame, f"joined {c}", spread, key=join_key) if same_run else spread(None)
            # a Series keeps the values' dtype (an object array set as a column would be
            # converted to pandas' string dtype, a copy of every value)
            out[c] = pd.Series(values, index=out.index, dtype=values.dtype, copy=False)
            if same_run:  # the same array for every rule: its text, dates... are cached once
                keyed_buffer(out[c], (*join_key, c))
        return out
    left = frame.assign(**dict(zip(tmp, left_text)))
    r = r.assign(**dict(zip(tmp, right_text)))
    merged = left.merge(r, how="left", on=tmp, sort=False)
    return merged.drop(columns=tmp)


# operations whose column needs are all named in their parameters, plus the ones they read by
# convention; a rule with any other operation keeps every variable of a matched dataset
_KNOWN_OPERATIONS = {
    "dy": {"RFSTDTC"}, "distinct": set(), "record_count": set(), "max_date": set(), "min_date": set(),
    "max": set(), "min": set(), "mean": set(), "arithmetic": set(),
}
_TOKEN = re.compile(r"[A-Za-z_$*][A-Za-z0-9_$*.\-]*")


def referenced_names(rule: Rule, prefixes: tuple[str, ...]) -> set[str] | None:
    """Every variable name the rule's check, operations and outputs can refer to (``--`` expanded
    with each of ``prefixes``, ``DM.X`` also as ``X``), or None when an operation may read
    variables it does not name."""
    out: set[str] = set()

    def add(v: Any) -> None:
        if isinstance(v, str):
            for tok in [v, *_TOKEN.findall(v)]:
                for name in {tok, *(tok.replace("--", p, 1) for p in prefixes if "--" in tok)}:
                    out.add(name)
                    if "." in name:
                        out.add(name.split(".", 1)[1])
        elif isinstance(v, dict):
            for k, x in v.items():
                add(k)
                add(x)
        elif isinstance(v, (list, tuple, set, frozenset)):
            for x in v:
                add(x)

    def walk(node: Any) -> None:
        if isinstance(node, Condition):
            add(node.name)
            add(node.value)
            add(node.params)
        else:
            for item in node.items:
                walk(item)

    for op in rule.operations:
        if op.operator not in _KNOWN_OPERATIONS:
            return None
        out |= _KNOWN_OPERATIONS[op.operator]
        add(op.params)
    walk(rule.check)
    add(list(rule.output_variables))
    for md in rule.match_datasets:
        add(list(md.keys))
    return out


def _relrec_links(ds: StudyDataset, study: StudyData, frame: pd.DataFrame, wildcard: str | None) -> pd.DataFrame:
    """Pairs (evaluated record, related record of another domain) through RELREC (SDTMIG 3.4 section 8.2).

    Record-level relationships give USUBJID/IDVAR/IDVARVAL for each side of a RELID; dataset-level
    ones (USUBJID and IDVARVAL empty) relate records whose IDVAR values are equal (e.g. AELNKID =
    FALNKGRP) within a subject. Returns the related record's variables as ``RELREC.<name>`` and,
    for prefixed names, ``RELREC.**<suffix>`` (``**`` standing for any domain prefix).
    """
    rel_parts = study.by_domain("RELREC") or ([study.datasets["RELREC"]] if "RELREC" in study.datasets else [])
    if not rel_parts:
        raise NotApplicable("Match Datasets: no RELREC dataset in the package")
    rel = pd.concat([p.frame for p in rel_parts], ignore_index=True) if len(rel_parts) > 1 else rel_parts[0].frame
    need = {"RDOMAIN", "IDVAR", "RELID"}
    if not need <= set(rel.columns):
        raise NotApplicable("RELREC lacks RDOMAIN/IDVAR/RELID")
    r = pd.DataFrame({
        "rdomain": _key_text(rel["RDOMAIN"]),
        "usubjid": _key_text(rel["USUBJID"]) if "USUBJID" in rel.columns else "",
        "idvar": _key_text(rel["IDVAR"]),
        "idvarval": _key_text(rel["IDVARVAL"]) if "IDVARVAL" in rel.columns else "",
        "relid": _key_text(rel["RELID"]),
    })
    mine = r[r["rdomain"] == ds.domain]
    others = r[(r["rdomain"] != ds.domain) & ((r["rdomain"] == wildcard.upper()) if wildcard else True)]
    subj = _key_text(frame["USUBJID"]) if "USUBJID" in frame.columns else pd.Series("", index=frame.index)
    pieces = []
    for (dom,), grp in others.groupby(["rdomain"], sort=True):
        parents = study.by_domain(dom)
        if not parents:
            continue
        pframe = parents[0].frame if len(parents) == 1 else pd.concat([p.frame for p in parents], ignore_index=True)
        pprefix = parents[0].prefix
        psubj = _key_text(pframe["USUBJID"]) if "USUBJID" in pframe.columns else pd.Series("", index=pframe.index)
        for _, o in grp.iterrows():  # one iteration per RELREC relationship row: metadata-sized
            for _, m in mine[mine["relid"] == o["relid"]].iterrows():
                if m["idvar"] not in frame.columns or o["idvar"] not in pframe.columns:
                    continue
                left = pd.DataFrame({ROW: frame[ROW].to_numpy(), "__s": subj.to_numpy(), "__v": _key_text(frame[m["idvar"]]).to_numpy()})
                right = pd.DataFrame({"__s": psubj.to_numpy(), "__v": _key_text(pframe[o["idvar"]]).to_numpy(), "__p": range(len(pframe))})
                if m["idvarval"] or o["idvarval"]:  # record level: both records named explicitly
                    left = left[(left["__v"] == m["idvarval"]) & ((left["__s"] == m["usubjid"]) if m["usubjid"] else True)]
                    right = right[(right["__v"] == o["idvarval"]) & ((right["__s"] == o["usubjid"]) if o["usubjid"] else True)]
                    # the two RELREC rows name the records; a subject-less row (seen in test data) pairs by value alone
                    pair = left[[ROW]].merge(right[["__p"]], how="cross")
                else:
                    left = left[left["__v"] != ""]
                    pair = left.merge(right, on=["__s", "__v"])
                if pair.empty:
                    continue
                related = pframe.iloc[pair["__p"].to_numpy()].reset_index(drop=True)
                cols = {}
                for c in related.columns:
                    cols[f"RELREC.{c}"] = related[c].to_numpy()
                    if c.startswith(pprefix) and len(c) > len(pprefix):
                        cols[f"RELREC.**{c[len(pprefix):]}"] = related[c].to_numpy()
                pieces.append(pd.DataFrame({ROW: pair[ROW].to_numpy(), **cols}))
    if not pieces:
        return pd.DataFrame({ROW: pd.Series([], dtype=int)})
    return pd.concat(pieces, ignore_index=True)


def apply_match_datasets(frame: pd.DataFrame, rule: Rule, ds: StudyDataset, study: StudyData) -> pd.DataFrame:
    for md in rule.match_datasets:
        if md.name == "RELREC" and not md.keys and ds.name != "RELREC":
            # records related through RELREC: only evaluated records with a related record remain
            links = _relrec_links(ds, study, frame, md.wildcard)
            frame = frame.merge(links, on=ROW, how="inner", sort=False)
            continue
        if _is_child_match(md, ds) or (md.name in _RELATIONSHIP and md.name in (ds.name, ds.domain)):
            frame = _resolve_parents(frame, ds, study)
        elif md.child and (md.name in _RELATIONSHIP or md.name.startswith("SUPP")):
            continue  # a child relationship for another dataset type of the same rule
        else:
            if md.name in (ds.name, ds.domain):
                continue
            frame = _join(frame, md, ds, study, rule)
    return frame
