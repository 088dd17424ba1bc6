"""How the public permit search folds text and cuts it into two-character pieces.

Chinese has no spaces, and most searches are two characters (食品, 消防), too short for trigrams; an
index of every two-character piece finds them. The same folding is used for the stored text and
for what a visitor types, so matching is a plain substring test on both databases.
"""
import unicodedata


def search_fold(text):
    """NFKC, case-folded, whitespace collapsed: full-width Ａ１ and a1 read the same."""
    return " ".join(unicodedata.normalize("NFKC", text or "").casefold().split())


def search_bigrams(text):
    """The distinct two-character pieces of folded text that hold no space, in a stable order."""
    grams = set()
    for word in text.split():
        grams.update(word[i:i + 2] for i in range(len(word) - 1))
    return sorted(grams)


def search_entry(texts):
    """(text, grams) of a search row from the codes, names and legal basis it covers."""
    text = search_fold(" ".join(texts))
    return text, " ".join(search_bigrams(text))
