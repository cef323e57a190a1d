"""Fault rules: answers injected by the middleware before a service sees the request."""

from __future__ import annotations

import random
import re
import uuid

RULE_FIELDS = {"method", "path", "status", "body", "retry_after", "latency", "drop", "drop_answer", "count",
               "probability", "barrier", "barrier_timeout"}


class FaultRuleError(ValueError):
    pass


def validate_rule(spec: dict) -> dict:
    unknown = set(spec) - RULE_FIELDS
    if unknown:
        raise FaultRuleError(f"unknown fault fields: {', '.join(sorted(unknown))}")
    rule = {
        "method": str(spec.get("method", "*")).upper(),
        "path": spec.get("path", ".*"),
        "status": spec.get("status"),
        "body": spec.get("body"),
        "retry_after": spec.get("retry_after"),
        "latency": float(spec.get("latency") or 0),
        "drop": bool(spec.get("drop", False)),
        # The service does the work, then the connection closes before the answer: the
        # client cannot tell whether its create happened (a lost answer).
        "drop_answer": bool(spec.get("drop_answer", False)),
        "count": spec.get("count"),
        "probability": float(spec.get("probability", 1.0)),
        # Hold each matching request until `barrier` of them have arrived (or barrier_timeout
        # seconds passed): two clients racing for one create both get there before either
        # is served, however late the second one starts.
        "barrier": spec.get("barrier"),
        "barrier_timeout": spec.get("barrier_timeout", 30),
    }
    try:
        re.compile(rule["path"])
    except re.error as exc:
        raise FaultRuleError(f"invalid path regex: {exc}") from None
    if rule["status"] is not None and not (isinstance(rule["status"], int) and 100 <= rule["status"] <= 599):
        raise FaultRuleError("status must be an HTTP status code")
    if rule["status"] is None and not (rule["drop"] or rule["drop_answer"] or rule["latency"] or rule["barrier"]):
        raise FaultRuleError("a fault needs status, drop, drop_answer, latency or barrier")
    if rule["barrier"] is not None and (isinstance(rule["barrier"], bool) or not isinstance(rule["barrier"], int)
                                        or rule["barrier"] < 2):
        raise FaultRuleError("barrier must be a whole number of requests, at least 2")
    timeout = rule["barrier_timeout"]
    if isinstance(timeout, bool) or not isinstance(timeout, (int, float)) or not 0 < timeout <= 600:
        raise FaultRuleError("barrier_timeout must be within 0..600 seconds")
    if rule["count"] is not None and (not isinstance(rule["count"], int) or rule["count"] < 1):
        raise FaultRuleError("count must be a positive integer")
    if not 0.0 <= rule["probability"] <= 1.0:
        raise FaultRuleError("probability must be within 0..1")
    return rule


def validate_seed(value) -> int:
    if isinstance(value, bool) or not isinstance(value, int):
        raise FaultRuleError("seed must be an integer")
    return value


class FaultRules:
    """Persisted list of rules; the first matching rule applies to a request.

    Probabilities are drawn from one random generator. Unseeded it is random; `seed(N)` makes
    it `random.Random(N)` from now on, so the same requests in the same order meet the same
    faults (a repeatable test). The seed is persisted: a restart starts its sequence again.
    Each rule counts the requests it was applied to in `hits`.
    """

    META_KEY = "faults"
    SEED_KEY = "fault_seed"

    def __init__(self, store, rng: random.Random | None = None):
        self._store = store
        self._seed = store.meta_get(self.SEED_KEY, None)
        self._rng = rng or random.Random(self._seed)
        self.reload()

    def reload(self) -> None:
        self._rules = self._store.meta_get(self.META_KEY, [])
        self._compiled = {r["id"]: re.compile(r["path"]) for r in self._rules}
        seed = self._store.meta_get(self.SEED_KEY, None)
        if seed != self._seed:  # a reset forgot the seed
            self._seed = seed
            self._rng = random.Random(seed)

    @property
    def seed_value(self) -> int | None:
        return self._seed

    def seed(self, value) -> None:
        """Restart the fault generator from ``value`` (None: unseeded)."""
        value = None if value is None else validate_seed(value)
        self._store.meta_set(self.SEED_KEY, value)
        self._seed = value
        self._rng = random.Random(value)

    def _save(self) -> None:
        self._store.meta_set(self.META_KEY, self._rules)
        self.reload()

    def add(self, spec: dict) -> dict:
        rule = {"id": str(uuid.uuid4())} | validate_rule(spec) | {"hits": 0}
        self._rules.append(rule)
        self._save()
        return rule

    def list(self) -> list[dict]:
        return list(self._rules)

    def remove(self, rule_id: str) -> bool:
        before = len(self._rules)
        self._rules = [r for r in self._rules if r["id"] != rule_id]
        self._save()
        return len(self._rules) != before

    def clear(self) -> None:
        self._rules = []
        self._save()

    def match(self, method: str, path: str) -> dict | None:
        """The rule to apply to this request, consuming one use of a counted rule."""
        for rule in self._rules:
            if rule["method"] not in ("*", method):
                continue
            if not self._compiled[rule["id"]].search(path):
                continue
            if self._rng.random() >= rule["probability"]:
                continue
            rule["hits"] = rule.get("hits", 0) + 1
            if rule["count"] is not None:
                rule["count"] -= 1
                if rule["count"] <= 0:
                    self._rules = [r for r in self._rules if r["id"] != rule["id"]]
            self._save()
            return rule
        return None
