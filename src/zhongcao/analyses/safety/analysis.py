"""Brand safety: negative mentions by day and coordinated attacks (水军/黑公关).

User rows: attack detection needs who wrote each comment and when each account was first seen,
so ``fit`` reads ``Workspace.staged("comments")``, ``staged("notes")`` and the ``user_id``/``ts``
of ``staged("exposures")``. Only per-day counts and the accounts of a detected attack are kept;
the accounts are not published (findings, report, dashboard show how many): ``attack_accounts()``
gives them, as masked handles, to the evidence export a user asks for (``zhongcao evidence``).
"""

from __future__ import annotations

from typing import Any, ClassVar, Self

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
    user_tables: ClassVar[tuple[str, ...]] = ("notes", "comments", "exposures")
    marts: ClassVar[tuple[str, ...]] = VOCABULARY_MARTS  # the brand matcher's learned words
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
        rows = user_rows(source)  # a declared capability: marts from a clean room have no rows
        if rows is None:
            raise AnalysisError("safety: needs a workspace (note and comment text)")
        staged = rows.staged
        brand = source.brand.name
        notes = staged("notes", ("note_id", "creator_id", "published_at", "title", "body", "brand")).to_pandas()
        comments = staged("comments", ("note_id", "user_id", "created_at", "text")).to_pandas()
        if notes.empty:
            raise InsufficientDataError("no notes in the workspace: nothing to watch")
        text = notes["title"].fillna("") + " " + notes["body"].fillna("")
        # The brand by its name, aliases, products or learned variants, in the brand column or the text (mentions.py).
        matcher = matcher_for(source)
        about = about_brand(notes, matcher)
        brand_notes = set(notes.loc[about, "note_id"])
        n = pd.DataFrame({"kind": "note", "account": notes["creator_id"], "ts": notes["published_at"], "text": text,
                          "note_id": notes["note_id"]})[about.to_numpy()]
        c_about = comments["note_id"].isin(brand_notes) | matcher.mentions(comments["text"].fillna("").tolist())
        c = pd.DataFrame({"kind": "comment", "account": comments["user_id"], "ts": comments["created_at"],
                          "text": comments["text"].fillna(""), "note_id": comments["note_id"]})[c_about.to_numpy()]
        mentions = pd.concat([n, c], ignore_index=True)
        if mentions.empty:
            raise InsufficientDataError(f"no notes or comments mention {brand or 'the brand'}")
        mentions["score"] = sentiment.scores(mentions["text"])
        mentions["negative"] = mentions["score"] < 0
        touches = staged("exposures", ("user_id", "ts")).to_pandas()
        seen = pd.concat([
            notes.groupby("creator_id")["published_at"].min(),
            comments.dropna(subset=["user_id"]).groupby("user_id")["created_at"].min(),
            touches.groupby("user_id")["ts"].min(),
        ]).groupby(level=0).min()
        self.daily_ = attack.daily_volume(mentions)
        rows = []
        self._accounts: list[dict[str, list[str]]] = []  # per window; private: never in results_of
        for window in attack.unusual_windows(self.daily_, k=self.k, min_excess=self.min_excess):
            ev = attack.examine(mentions, seen, window, fresh_days=self.fresh_days)
            ev["coordinated"] = max(ev["fresh_share"], ev["duplicate_share"]) >= self.min_coordinated_share  # type: ignore[type-var]
            listed = {k: list(ev[k]) for k in ("accounts", "creator_accounts")}  # type: ignore[call-overload]
            self._accounts.append({**listed, "start": [str(ev["start"])], "end": [str(ev["end"])],
                                   "coordinated": [str(ev["coordinated"])]})
            rows.append({**ev, **{k: len(v) for k, v in listed.items()}})
        self.windows_ = pd.DataFrame(rows, columns=["start", "end", "negative_mentions", "fresh_share",
                                                    "duplicate_share", "accounts", "creator_accounts", "notes",
                                                    "attack_notes", "examples", "coordinated"])
        self.attacks_ = self.windows_[self.windows_["coordinated"].astype(bool)].reset_index(drop=True)
        self._attack_accounts = [a for a in self._accounts if a["coordinated"] == ["True"]]
        self.totals_ = {"mentions": float(len(mentions)), "negative": float(mentions["negative"].sum()),
                        "negative_share": float(mentions["negative"].mean())}
        return self

    def attack_account_ids(self) -> list[dict[str, list[str]]]:
        """Per coordinated attack, the raw ``accounts`` and ``creator_accounts`` (in memory only)."""
        self.check_is_fitted()
        return [{k: list(found[k]) for k in ("accounts", "creator_accounts")} for found in self._attack_accounts]

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
