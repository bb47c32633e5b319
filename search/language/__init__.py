"""Text analysis: the Kiwi morphological analyser, normalisation, the analyser chain for the
index and queries, and analysed-text values passed along.
"""
