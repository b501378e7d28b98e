"""Paragraph roles: captions, credits and boilerplate are told apart from body text."""

from wiredesk.clean.cleaner import clean_item
from wiredesk.sources.files import load_files
from wiredesk.clean.paragraphs import assign_roles, is_boilerplate, paragraphs_from_text, split_credit
from wiredesk.domain.settings import IngestSettings

from conftest import SEEDS


def _seed(name):
    items = load_files([SEEDS / name], IngestSettings()).items
    return clean_item(items[0])


def test_ap_photo_credits_are_split_from_captions_and_more_is_dropped():
    ap = _seed("ap-yahoo-2019-12-31-baghdad-embassy.txt")
    captions = [p for p in ap.paragraphs if p.role == "caption"]
    credits = {p.attached_to: p.text for p in ap.paragraphs if p.role == "credit"}
    assert [c.text.split(" ")[0] for c in captions] == ["Protesters", "Iraqi", "Hashd"]
    assert credits[captions[0].position] == "Khalid Mohammed/AP"
    assert credits[captions[1].position] == "Ameer Al Mohmmedaw/picture alliance via Getty Images"
    assert all("Photo:" not in c.text and not c.text.endswith("More") for c in captions)


def test_sun_glued_credits_are_split_and_kept_out_of_body_text():
    sun = _seed("the-sun-2019-12-31-baghdad-embassy.txt")
    by_text = {p.text: p for p in sun.paragraphs}
    cap = by_text["Hundreds of Iraqi thugs attempt to storm US Embassy in Baghdad following deadly air strikes"]
    assert cap.role == "caption"
    credit = sun.paragraphs[cap.position + 1]
    assert (credit.role, credit.text, credit.attached_to) == ("credit", "Getty – Contributor", cap.position)
    assert "Credit" not in sun.text and "Getty" not in sun.text
    # the near-copy of the AP lead is a caption in The Sun, not body
    assert by_text[
        "Dozens of angry Iraqi Shiite militia supporters broke into the US Embassy compound in Baghdad on Tuesday "
        "after smashing a main door and setting fire to a reception area"
    ].role == "caption"


def test_standalone_credit_attaches_to_the_unpunctuated_caption_after_it():
    sun = _seed("the-sun-2019-12-31-baghdad-embassy.txt")
    alone = next(p for p in sun.paragraphs if p.role == "credit" and p.text == "Reuters" and p.position == 3)
    caption = sun.paragraphs[alone.attached_to]
    assert caption.role == "caption"
    assert caption.text.startswith("Hashd al-Shaabi fighters set fire to a US Embassy wall")


def test_read_more_link_is_boilerplate_not_body():
    ap = _seed("ap-yahoo-2019-12-31-baghdad-embassy.txt")
    last = ap.paragraphs[-1]
    assert last.role == "boilerplate" and last.text.startswith("Read more of this story")
    assert "Read more" not in ap.text


def test_positions_are_dense_and_in_reading_order():
    for name in ("ap-yahoo-2019-12-31-baghdad-embassy.txt", "the-sun-2019-12-31-baghdad-embassy.txt"):
        article = _seed(name)
        assert [p.position for p in article.paragraphs] == list(range(len(article.paragraphs)))
        for p in article.paragraphs:
            if p.role == "credit":
                assert p.attached_to is not None and article.paragraphs[p.attached_to].role == "caption"


def test_credit_word_inside_a_sentence_is_not_a_credit():
    text = "The bank said credit: it was tightening lending after losses. Analysts expect more cuts."
    assert split_credit(text) is None
    (p,) = paragraphs_from_text(text)
    assert p.role == "body"


def test_split_credit_handles_the_common_credit_formats():
    assert split_credit("Rescuers search the rubble. (AP Photo/Hadi Mizban)") == ("Rescuers search the rubble.", "AP Photo/Hadi Mizban")
    assert split_credit("Fans celebrate in the square.Photograph: Jane Doe/Reuters") == ("Fans celebrate in the square.", "Jane Doe/Reuters")
    assert split_credit("Smoke rises over the port Picture: AFP") == ("Smoke rises over the port", "AFP")


def test_boilerplate_patterns_do_not_catch_news_sentences():
    assert is_boilerplate("Advertisement")
    assert is_boilerplate("Sign up for our newsletter")
    assert is_boilerplate("© 2019 Associated Press. All Rights Reserved.")
    assert not is_boilerplate("Readers were asked to sign the petition before Friday.")
    assert not is_boilerplate("More than 40 people were injured, officials said.")


def test_caption_hint_from_html_marks_a_caption_even_with_full_stop():
    paras = assign_roles(["Body text of the story goes here.", "Cyclists cross the bridge. Photo: J. Berg"], [False, True])
    assert [p.role for p in paras] == ["body", "caption", "credit"]
    assert paras[2].text == "J. Berg"
