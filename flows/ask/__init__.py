"""Typed questions: understood and answered from our own content (guide pages, credential
cards and their figures), offline and in-process.

text.py folds, stems and tells the language; sections.py cuts content into sections;
index.py ranks them (with BM25 weights from bm25s, weights.py) and corrects misspellings
(rapidfuzz); safety.py spots emergencies; understand.py decides what a question is; taps.py
reads typed quiz answers; screens.py draws the replies; steps.py is the dialogue's entry
for typed text.
"""
