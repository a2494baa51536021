"""Quizzes: question selection, grading of answers and mock exams."""
