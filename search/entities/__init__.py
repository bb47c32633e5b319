"""Named entities: the gazetteer, the konec lexicon, rule-based mention finding and the learned
tagger.
"""
