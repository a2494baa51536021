"""Right and wrong answers to a quiz question, read from its hidden key (tests only)."""


def right_answer(kind: str, shown: dict, key: dict):
    """Return the answer a learner would give to get the question right."""
    if kind == "single":
        return key["correct"][0]
    if kind == "multiple":
        return key["correct"]
    if kind == "truefalse":
        return "true" if key["truth"] else "false"
    if kind == "typed":
        return key["answers"][0]
    by_text = {r["text"]: r["id"] for r in shown["right"]}
    return {left: by_text[text] for left, text in key["pairs"].items()}


def right_answer_to(item):
    """Return the right answer to one question of an attempt."""
    return right_answer(item.question.kind, item.shown, item.key)


def wrong_answer(kind: str, shown: dict, key: dict):
    """Return a well-formed answer that gets the question wrong."""
    if kind in ("single", "multiple"):
        wrong = next(o["id"] for o in shown["options"] if o["id"] not in key["correct"])
        return wrong if kind == "single" else [wrong]
    if kind == "truefalse":
        return "false" if key["truth"] else "true"
    if kind == "typed":
        return "no such thing"
    right = right_answer(kind, shown, key)
    first, second = list(right)[:2]
    return {**right, first: right[second], second: right[first]}


def wrong_answer_to(item):
    """Return a wrong answer to one question of an attempt."""
    return wrong_answer(item.question.kind, item.shown, item.key)
