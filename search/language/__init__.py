"""Text analysis (no Whoosh here), one module per idea:

- ``kiwi``: the shared Kiwi morphological analyser (loaded once, user words, morphemes of lines)
- ``normalize``: Unicode normalisation with offsets back into the text as written
- ``analysed``: AnalysedText, one text's morphemes computed once and passed along
- ``analysis``: TextAnalyser, the terms of a text for the index and queries with one gazetteer's aliases
- ``aliases``: what analysis takes from the gazetteer (alias map, Kiwi user words, fingerprint)
- ``windows``: long texts cut into bounded windows
- ``surface``: character bigrams and title keys (no Kiwi)
"""
