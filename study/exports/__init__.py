"""Exports of a pack for other tools: Anki decks (.apkg) and Moodle quizzes (XML)."""
