"""The quiz result: what the verdict means for this person (flows/result/reading.py) and the
screen that says it (flows/result/screens.py). The verdict itself comes from flows.scoring."""
