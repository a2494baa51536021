"""The right answer to a quiz question, read from its hidden key (tests only)."""


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
