"""Name search over the stored folded names (issue 20, item 12)."""

from models.household_search import rank_by_name
from models.keys import fold

KEYS = [
    fold(n)
    for n in ("Trần Thị Hai", "Trần Thị Hải", "Nguyễn Văn Ba", "Lê Văn Một", "Trần Văn Hai")
]


def test_fold_reads_the_old_font_eth_as_d():
    assert fold("ÐỖ VĂN BẢY") == fold("Đỗ Văn Bảy") == "do van bay"
    assert fold("ðiện") == "dien"


def test_rank_by_name_exact_first_then_whole_word_then_near():
    assert rank_by_name("tran thi hai", KEYS)[:2] == [0, 1]
    assert set(rank_by_name("hai", KEYS)) == {0, 1, 4}
    assert rank_by_name("Nguyen Van Baa", KEYS) == [2]
    assert rank_by_name("Nguyen Van Nam", KEYS) == []  # the given name must match too
    assert rank_by_name("", KEYS) == []


def test_rank_by_name_finds_a_name_typed_from_an_old_font():
    keys = [fold("Đỗ Văn Bảy"), *KEYS]
    assert rank_by_name("ÐỖ VĂN BẢY", keys) == [0]


def test_at_most_five_candidates():
    keys = [fold(f"Trần Thị Hai {i}") for i in range(9)]
    assert len(rank_by_name("tran thi hai", keys)) == 5
