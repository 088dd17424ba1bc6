"""How the public permit search folds text and cuts it into two-character pieces.

Chinese has no spaces, and most searches are two characters (食品, 消防), too short for trigrams; an
index of every two-character piece finds them. The same folding is used for the stored text and
for what a visitor types, so matching is a plain substring test on both databases.

Each row also carries the item's result card (what the list shows of it), so a page of results is
read from as many rows as it shows rather than joined from three tables on every request.
"""
import json
import unicodedata

# What a result shows of an item: its first sub-items, and of each its first handling items.
SUBS_SHOWN = 4
HANDLINGS_SHOWN = 3


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


def search_index_rows(item_model, sub_model, handling_model, **item_filter):
    """{item pk: (text, grams, card as JSON text)} for the items matching `item_filter`, in three reads.

    Takes the model classes so that a data migration can pass its historical ones. The card is the
    item's code, name, department pk, number of sub-items and its first sub-items (name, exercise
    level, first handling items as [code, situation]), in the order of the item page.
    """
    items = item_model.objects.filter(**item_filter)
    parts, cards, shown = {}, {}, {}
    for pk, code, name, basis, department_id in items.order_by().values_list(
            "pk", "code", "name", "legal_basis", "department_id"):
        parts[pk] = [code, name, basis]
        cards[pk] = {"code": code, "name": name, "department": department_id, "sub_count": 0, "subs": []}
    for item_id, pk, code, name, level in sub_model.objects.filter(item__in=items).order_by(
            "item_id", "seq", "code").values_list("item_id", "pk", "code", "name", "exercise_level"):
        parts[item_id] += (code, name)
        card = cards[item_id]
        card["sub_count"] += 1
        if len(card["subs"]) < SUBS_SHOWN:
            shown[pk] = {"name": name, "level": level, "handlings": []}
            card["subs"].append(shown[pk])
    for item_id, sub_id, code, name, situation in handling_model.objects.filter(
            sub_item__item__in=items).order_by("sub_item_id", "seq", "code").values_list(
            "sub_item__item_id", "sub_item_id", "code", "name", "situation"):
        parts[item_id] += (code, name)
        sub = shown.get(sub_id)
        if sub is not None and len(sub["handlings"]) < HANDLINGS_SHOWN:
            sub["handlings"].append([code, situation])
    return {pk: (*search_entry(texts), card_dumps(cards[pk])) for pk, texts in parts.items()}


def card_dumps(card):
    return json.dumps(card, ensure_ascii=False, separators=(",", ":"))
