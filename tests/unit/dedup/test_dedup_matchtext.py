from wiredesk.dedup.matchtext import match_text, match_tokens, salient_flags, strip_credits


def test_us_spellings_quotes_dashes_and_case_fold_to_the_same_tokens():
    assert match_text("The U.S. military’s “precision” strikes — in Iraq") == match_text(
        'the US militarys "precision" strikes - in IRAQ'
    )


def test_a_credit_glued_to_a_caption_is_removed():
    caption = "The crowd pushed inside the embassy grounds where security forces used tear gasCredit: Reuters"
    assert match_text(caption) == "the crowd pushed inside the embassy grounds where security forces used tear gas"


def test_a_credit_with_a_dash_in_the_agency_name_is_removed():
    assert strip_credits("Hundreds of Iraqi thugs attempt to storm US EmbassyCredit: Getty – Contributor") == (
        "Hundreds of Iraqi thugs attempt to storm US Embassy"
    )


def test_a_paragraph_that_is_only_a_credit_is_kept():
    assert match_tokens("Credit: Reuters") == ("credit", "reuters")


def test_photo_credits_in_parentheses_and_the_gallery_link_are_removed():
    text = "Protesters wave flags in Baghdad on Tuesday. (Photo: Khalid Mohammed/AP) More"
    assert match_text(text) == "protesters wave flags in baghdad on tuesday"


def test_digit_groups_and_apostrophes_stay_one_token():
    assert match_tokens("last week's 25,000 dollars") == ("last", "weeks", "25000", "dollars")


def test_salient_flags_mark_numbers_and_names_but_not_the_first_word():
    text = "Police arrested a 34-year-old man in Leeds"
    tokens = match_tokens(text)
    assert dict(zip(tokens, salient_flags(text))) == {
        "police": False, "arrested": False, "a": False, "34": True, "year": False, "old": False, "man": False,
        "in": False, "leeds": True,
    }
