"""Brand safety: negative mentions by day and coordinated attacks (水军/黑公关).

Marts read: ``mention_accounts`` (each note and comment text per day with the age of the account
behind it, in days since it was first seen, and how many mentions and distinct accounts: no account
ids), ``note_text`` and ``note_metrics`` (public notes and their creators). So it runs from a mart
folder as from a workspace, with the same findings, and never reads the touches into memory.

User rows, only when asked: which accounts are behind a detected attack (``attack_accounts()``, the
evidence export a user requests with ``zhongcao evidence``) needs who wrote each comment, so that
list is built from ``Workspace.staged("comments")`` and ``staged("exposures")`` on request, and a
mart folder cannot give it. Published numbers count accounts per mart row (an account writing on
two days, or two different texts, counts twice: an upper bound of the distinct accounts).
"""

from __future__ import annotations

from typing import Any, ClassVar, Self

import numpy as np
import pandas as pd

from zhongcao.analyses.base import VOCABULARY_MARTS, Analysis, Interval, MartSource, user_rows
from zhongcao.analyses.mentions import about_brand, matcher_for
from zhongcao.analyses.safety import attack, sentiment
from zhongcao.errors import AnalysisError, InsufficientDataError
from zhongcao.ingest.phone import mask_handle


class SafetyAnalysis(Analysis):
    """Negative-mention volume and coordinated attack detection.

    Parameters
    ----------
    k:
        Robust standard deviations above the median that make a day unusual.
    min_excess:
        Smallest number of extra negative mentions that makes a day unusual.
    fresh_days:
        Accounts first seen at most this many days before a window are fresh.
    min_coordinated_share:
        A window is coordinated when fresh or near-duplicate mentions make up at least this share.
    """

    name: ClassVar[str] = "safety"
    # The brand matcher also reads the learned words (VOCABULARY_MARTS) when the source has none stored.
    marts: ClassVar[tuple[str, ...]] = tuple(dict.fromkeys(("mention_accounts", "note_text", "note_metrics",
                                                            *VOCABULARY_MARTS)))
    _parameter_constraints: ClassVar[dict[str, list[Any]]] = {
        "k": [Interval(float, 1, None)],
        "min_excess": [Interval(float, 0, None)],
        "fresh_days": [Interval(float, 0, 365)],
        "min_coordinated_share": [Interval(float, 0, 1)],
    }

    def __init__(self, k: float = 6.0, min_excess: float = 5.0, fresh_days: float = 14.0,
                 min_coordinated_share: float = 0.5) -> None:
        self.k = k
        self.min_excess = min_excess
        self.fresh_days = fresh_days
        self.min_coordinated_share = min_coordinated_share

    def fit(self, source: MartSource) -> Self:
        self._validate_params()
        brand = source.brand.name
        notes = source.mart("note_text").to_pandas()
        if notes.empty:
            raise InsufficientDataError("no notes in the workspace: nothing to watch")
        rows = source.mart("mention_accounts").to_pandas()
        rows = rows.sort_values(["kind", "day", "note_id", "text", "age_days"], kind="stable",
                                na_position="last").reset_index(drop=True)  # one order from any engine
        note_rows = rows[rows["kind"] == "note"].drop_duplicates("note_id").set_index("note_id")
        meta = source.mart("note_metrics").to_pandas().set_index("note_id")
        notes = notes.assign(creator_id=notes["note_id"].map(meta["creator_id"]),
                             published_at=pd.to_datetime(notes["note_id"].map(note_rows["day"])),
                             tags=notes["note_id"].map(note_rows["text"]).fillna(""),
                             age_days=notes["note_id"].map(note_rows["age_days"]))
        text = notes["title"].fillna("") + " " + notes["body"].fillna("")
        # The brand by its name, aliases, products or learned variants, in the brand column or the text (mentions.py).
        matcher = matcher_for(source)
        about = about_brand(notes, matcher)
        brand_notes = set(notes.loc[about, "note_id"])
        n = pd.DataFrame({"kind": "note", "account": notes["creator_id"], "ts": notes["published_at"], "text": text,
                          "note_id": notes["note_id"], "age_days": notes["age_days"]})[about.to_numpy()]
        c = rows[rows["kind"] == "comment"]
        texts = pd.unique(c["text"].fillna(""))
        named = dict(zip(texts, matcher.mentions(list(texts)), strict=True))
        c = c[c["note_id"].isin(brand_notes) | c["text"].fillna("").map(named).astype(bool)]
        mentions = pd.concat([n, _one_per_mention(c)], ignore_index=True)
        if mentions.empty:
            raise InsufficientDataError(f"no notes or comments mention {brand or 'the brand'}")
        unique = pd.unique(mentions["text"])  # score each distinct text once: templated comments repeat
        mentions["score"] = mentions["text"].map(dict(zip(unique, sentiment.scores(unique), strict=True)))
        mentions["negative"] = mentions["score"] < 0
        self.daily_ = attack.daily_volume(mentions)
        rows_out = []
        self._windows: list[tuple[pd.Timestamp, pd.Timestamp, bool]] = []
        found = [(window, attack.examine(mentions, None, window, fresh_days=self.fresh_days))
                 for window in attack.unusual_windows(self.daily_, k=self.k, min_excess=self.min_excess)]
        # Largest first: a reader (and the card's headline) starts with the burst that moved the most mentions,
        # not with the earliest (a day of six copied comments came before a 145-mention attack).
        found.sort(key=lambda we: (-int(we[1]["negative_mentions"]), str(we[1]["start"])))  # type: ignore[call-overload]
        for window, ev in found:
            ev["coordinated"] = max(ev["fresh_share"], ev["duplicate_share"]) >= self.min_coordinated_share  # type: ignore[type-var]
            self._windows.append((*window, bool(ev["coordinated"])))
            rows_out.append({**ev, **{k: len(ev[k]) for k in ("accounts", "creator_accounts")}})  # type: ignore[arg-type]
        self.windows_ = pd.DataFrame(rows_out, columns=["start", "end", "negative_mentions", "fresh_share",
                                                        "duplicate_share", "accounts", "creator_accounts", "notes",
                                                        "attack_notes", "examples", "coordinated"])
        self.attacks_ = self.windows_[self.windows_["coordinated"].astype(bool)].reset_index(drop=True)
        # Who is behind an attack is read from user rows only when asked (the evidence export), never kept here.
        found_rows = user_rows(source)  # a declared capability, used only by the evidence export
        self._staged = found_rows.staged if found_rows is not None else None
        self._matcher_source = source
        self.totals_ = {"mentions": float(len(mentions)), "negative": float(mentions["negative"].sum()),
                        "negative_share": float(mentions["negative"].mean())}
        return self

    def attack_account_ids(self) -> list[dict[str, list[str]]]:
        """Per coordinated attack, the raw ``accounts`` and ``creator_accounts`` (in memory only; read from
        user rows on this call, so a mart folder cannot give them)."""
        self.check_is_fitted()
        return [{k: list(found[k]) for k in ("accounts", "creator_accounts")} for found in self._attack_accounts]

    @property
    def _attack_accounts(self) -> list[dict[str, list[str]]]:
        attacks = [(lo, hi) for lo, hi, coordinated in self._windows if coordinated]
        if not attacks:
            return []
        if self._staged is None:
            raise AnalysisError("safety: the accounts behind an attack are in user rows; a mart folder has none "
                                "(run the evidence export on the workspace the marts were built from)")
        mentions, seen = _user_mentions(self._staged, self._matcher_source)
        found = []
        for lo, hi in attacks:
            ev = attack.examine(mentions, seen, (lo, hi), fresh_days=self.fresh_days)
            found.append({"accounts": list(ev["accounts"]), "creator_accounts": list(ev["creator_accounts"]),  # type: ignore[call-overload]
                          "start": [str(ev["start"])], "end": [str(ev["end"])]})
        return found

    def attack_accounts(self) -> list[dict[str, object]]:
        """The accounts behind each coordinated attack, as masked handles: one row per account.

        Not part of the published results; only an explicitly requested evidence export writes them.
        """
        self.check_is_fitted()
        rows: list[dict[str, object]] = []
        for n, found in enumerate(self._attack_accounts, 1):
            for kind in ("accounts", "creator_accounts"):
                for account in found[kind]:
                    rows.append({"attack": n, "start": found["start"][0], "end": found["end"][0],
                                 "kind": "creator" if kind == "creator_accounts" else "commenter",
                                 "account": mask_handle(account)})
        return rows


def _one_per_mention(rows: pd.DataFrame) -> pd.DataFrame:
    """The comment rows of ``mention_accounts`` as one row per comment. Accounts get labels that are only
    distinct within their mart row (``accounts`` of them, in turn), so counting distinct labels counts
    each row's accounts once: across rows an account may be counted again."""
    if rows.empty:
        return pd.DataFrame(columns=["kind", "account", "ts", "text", "note_id", "age_days"])
    times = rows["mentions"].to_numpy(int)
    at = np.repeat(np.arange(len(rows)), times)
    turn = np.arange(len(at)) - np.repeat(np.cumsum(times) - times, times)
    accounts = rows["accounts"].to_numpy(int)[at]
    label = pd.Series(at.astype(str)) + ":" + pd.Series(turn % np.maximum(accounts, 1)).astype(str)
    picked = rows.iloc[at].reset_index(drop=True)
    return pd.DataFrame({"kind": "comment", "account": label.where(accounts > 0, None),
                         "ts": pd.to_datetime(picked["day"]), "text": picked["text"].fillna(""),
                         "note_id": picked["note_id"], "age_days": picked["age_days"]})


def _user_mentions(staged: Any, source: MartSource) -> tuple[pd.DataFrame, pd.Series]:
    """Mentions with their real accounts and when each account was first seen, from user rows (the
    evidence export only)."""
    notes = staged("notes", ("note_id", "creator_id", "published_at", "title", "body", "brand", "tags")).to_pandas()
    comments = staged("comments", ("note_id", "user_id", "created_at", "text")).to_pandas()
    matcher = matcher_for(source)
    about = about_brand(notes, matcher)
    text = notes["title"].fillna("") + " " + notes["body"].fillna("")
    n = pd.DataFrame({"kind": "note", "account": notes["creator_id"], "ts": notes["published_at"], "text": text,
                      "note_id": notes["note_id"]})[about.to_numpy()]
    c_about = comments["note_id"].isin(set(notes.loc[about, "note_id"])) | \
        matcher.mentions(comments["text"].fillna("").tolist())
    c = pd.DataFrame({"kind": "comment", "account": comments["user_id"], "ts": comments["created_at"],
                      "text": comments["text"].fillna(""), "note_id": comments["note_id"]})[c_about.to_numpy()]
    mentions = pd.concat([n, c], ignore_index=True)
    mentions["negative"] = sentiment.scores(mentions["text"]) < 0
    touches = staged("exposures", ("user_id", "ts")).to_pandas()
    seen = pd.concat([
        notes.groupby("creator_id")["published_at"].min(),
        comments.dropna(subset=["user_id"]).groupby("user_id")["created_at"].min(),
        touches.groupby("user_id")["ts"].min(),
    ]).groupby(level=0).min()
    return mentions, seen
