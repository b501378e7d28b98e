from hypothesis import given, settings as hsettings, strategies as st

from wiredesk.dedup.settings import DedupSettings
from wiredesk.dedup.verify import MatchText, compare

S = DedupSettings()
WORDS = ["the", "militia", "embassy", "said", "Baghdad", "on", "Tuesday", "25", "fighters", "killed", "US", "a", "of"]


def verdict(a: str, b: str):
    return compare(MatchText.of(a), MatchText.of(b), S)


def test_a_lightly_edited_copy_is_near():
    v = verdict(
        "The central bank raised its benchmark interest rate by a quarter of a percentage point to 4.5 percent on Thursday, its ninth increase in a row.",
        "The central bank on Thursday raised its benchmark interest rate by a quarter of a percentage point to 4.5%, its ninth consecutive increase.",
    )
    assert v is not None and v.kind == "near" and S.near_threshold <= v.similarity < 1


def test_the_same_template_with_other_numbers_and_names_is_not_a_duplicate():
    assert verdict(
        "The governor declared a state of emergency in 12 counties on Wednesday as Hurricane Ida approached the coast with winds of 150 miles per hour.",
        "The governor declared a state of emergency in 31 counties on Friday as Hurricane Laura approached the coast with winds of 120 miles per hour.",
    ) is None


def test_a_long_shared_run_inside_a_longer_paragraph_is_partial():
    v = verdict(
        "The foreign minister said talks had been frank, but that significant differences remained over the future of the disputed border region and the return of refugees.",
        "No date was set for a new round. Officials on both sides acknowledged that significant differences remained over the future of the disputed border region and the return of refugees, and that a deal was unlikely before the summer.",
    )
    assert v is not None and v.kind == "partial" and S.partial_min_containment <= v.similarity <= 1


def test_same_exact_text_is_exact_with_similarity_one():
    v = compare(MatchText.of("x y"), MatchText.of("x y"), S, same_exact_text=True)
    assert (v.kind, v.similarity) == ("exact", 1.0)


@hsettings(max_examples=200, deadline=None)
@given(st.lists(st.sampled_from(WORDS), min_size=1, max_size=30), st.lists(st.sampled_from(WORDS), min_size=1, max_size=30))
def test_verification_is_symmetric(a, b):
    ta, tb = MatchText.of(" ".join(a)), MatchText.of(" ".join(b))
    assert compare(ta, tb, S) == compare(tb, ta, S)


@hsettings(max_examples=400, deadline=None)
@given(st.lists(st.sampled_from(WORDS), max_size=60), st.lists(st.sampled_from(WORDS), max_size=60))
def test_the_compiled_alignment_gives_difflibs_blocks(a, b):
    # verification aligns with cydifflib's SequenceMatcher: it must be difflib's algorithm, block for block
    from difflib import SequenceMatcher

    from wiredesk.dedup.verify import alignment

    expected = [tuple(blk) for blk in SequenceMatcher(None, a, b, autojunk=False).get_matching_blocks() if blk[2]]
    assert alignment(a, b) == expected


@hsettings(max_examples=300, deadline=None)
@given(st.lists(st.sampled_from(WORDS), min_size=1, max_size=40), st.lists(st.sampled_from(WORDS), min_size=1, max_size=40))
def test_skipping_the_count_bound_never_changes_a_verdict(a, b):
    ma, mb = MatchText.of(" ".join(a)), MatchText.of(" ".join(b + a[: len(a) // 2]))
    assert compare(ma, mb, S, bounded=True) == compare(ma, mb, S)
