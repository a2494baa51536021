"""Shipshape: spaced-repetition flashcards and scored quizzes from content packs."""


def create_app(test_config=None):
    """Build the Flask app (imported lazily so domain modules stay Flask-free)."""
    from study.factory import create_app as build

    return build(test_config)
