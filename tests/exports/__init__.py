"""Tests of the Anki and Moodle exports."""
