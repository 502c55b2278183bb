"""The content files: complete, consistent, sourced, and within Telegram's limits."""

from __future__ import annotations

import re
from pathlib import Path
from urllib.parse import urlsplit

import pytest
import yaml

from content import CONTENT_DIR
from flows.callbacks import decode
from flows.content import ContentError, cite, load_content, parse_yaml
from flows.dialogue import Dialogue
from flows.schema import ALLOWED_LINK_DOMAINS, TRACKS, Content
from tests.screens import PHONE_LIMIT, TELEGRAM_TEXT_LIMIT, all_screens, visible_length


def test_every_question_has_weighted_options(content: Content) -> None:
    for question in content.quiz.questions:
        assert len(question.options) >= 2
        assert any(o.coding or o.billing for o in question.options), question.id
        for option in question.options:
            assert option.coding >= 0 and option.billing >= 0


def plan_pages(dialogue: Dialogue, language: str, plan):
    """Every page of a plan, as the user's own."""
    return [
        dialogue.home_screens.plan_page(language, plan, index, 0, mine=plan, replace=False)
        for index in range(len(plan.phases))
    ]


def plan_text(dialogue: Dialogue, language: str, plan) -> str:
    return "\n".join(page.text for page in plan_pages(dialogue, language, plan))


def test_every_persona_has_three_phases_for_every_track(dialogue: Dialogue) -> None:
    for language in dialogue.content.languages:
        for persona in dialogue.plans.persona_ids:
            for track in TRACKS:
                plan = dialogue.plans.compose(language, persona, track)
                assert [p.phase for p in plan.phases] == ["day30", "day60", "day90"]
                assert all(len(p.steps) >= 2 for p in plan.phases)
                text = plan_text(dialogue, language, plan)
                for phase in plan.phases:
                    assert f"<b>{phase.title}</b>" in text


def test_plans_name_the_credentials_of_their_track(dialogue: Dialogue) -> None:
    expected = {"coding": ("CPC", "CCA"), "billing": ("CPB", "CBCS"), "both": ("CBCS",)}
    for track, credentials in expected.items():
        plan = dialogue.plans.compose("en", "changer", track)
        text = plan_text(dialogue, "en", plan)
        for credential in credentials:
            assert credential in text, (track, credential)


@pytest.mark.parametrize(
    ("persona", "must_mention"),
    [
        ("veteran", "GI Bill"),
        ("remote", "HIPAA-safe home office"),
        ("parent", "family study schedule"),
        ("graduate", "career services"),
        ("changer", "transferable skills"),
    ],
)
def test_persona_plans_carry_their_guide_specific_steps(
    dialogue: Dialogue, persona: str, must_mention: str
) -> None:
    for track in TRACKS:
        plan = dialogue.plans.compose("en", persona, track)
        assert must_mention in plan_text(dialogue, "en", plan)


def _links_in(text: str) -> list[str]:
    return re.findall(r'href="([^"]+)"', text)


def test_every_link_is_https_on_an_allowed_domain(dialogue: Dialogue) -> None:
    content = dialogue.content
    urls = list(content.facts.links.values())
    urls += [s.url for s in content.facts.sources.values() if s.url]
    for _, reply in all_screens(dialogue):
        urls += _links_in(reply.text)
        urls += [b.url for row in reply.keyboard for b in row if b.url]
    assert urls
    for url in urls:
        parts = urlsplit(url)
        assert parts.scheme == "https", url
        assert any(
            parts.hostname == d or parts.hostname.endswith("." + d) for d in ALLOWED_LINK_DOMAINS
        ), url


def test_plans_link_to_the_official_bodies(dialogue: Dialogue) -> None:
    linked = set()
    for persona in dialogue.plans.persona_ids:
        for track in TRACKS:
            plan = dialogue.plans.compose("en", persona, track)
            for reply in plan_pages(dialogue, "en", plan):
                linked |= {urlsplit(b.url).hostname for row in reply.keyboard for b in row if b.url}
    assert {"www.aapc.com", "www.ahima.org", "www.nhanow.com", "www.bls.gov"} <= linked


def test_every_screen_fits_telegram_limits(dialogue: Dialogue) -> None:
    screens = list(all_screens(dialogue))
    assert len(screens) > 50
    for name, reply in screens:
        assert 0 < visible_length(reply.text) <= TELEGRAM_TEXT_LIMIT, name
        for row in reply.keyboard:
            assert 1 <= len(row) <= 8, name
            for button in row:
                assert (button.data is None) != (button.url is None), name
                if button.data is not None:
                    assert len(button.data.encode()) <= 64, (name, button.data)
                    assert decode(button.data) is not None, (name, button.data)


def test_every_screen_fits_a_phone_in_both_languages_and_has_a_way_on(
    dialogue: Dialogue,
) -> None:
    screens = list(all_screens(dialogue))
    assert {name.split("/")[0] for name, _ in screens} == {"en", "es"}
    too_long = []
    for name, reply in screens:
        language = name.split("/", 1)[0]
        assert reply.keyboard, f"{name}: no button to go on"
        for button in (b for row in reply.keyboard for b in row):
            first = re.sub(r"^[^\w¿¡]+", "", button.label)[:1]
            assert not first.islower(), f"{name}: {button.label!r} starts lower-case"
        if visible_length(reply.text) > PHONE_LIMIT[language]:
            too_long.append(f"{name}: {visible_length(reply.text)}")
    assert not too_long, "over a phone screen:\n" + "\n".join(too_long)


def test_no_unresolved_placeholders_on_any_screen(dialogue: Dialogue) -> None:
    for name, reply in all_screens(dialogue):
        assert not re.search(r"\{[a-z_:]+\}", reply.text), name


# ---- figures live only in facts.yaml ---------------------------------------------------------

FIGURE = re.compile(r"\$\s?\d|\d\s?%")


def _strings(data: object, where: str = ""):
    if isinstance(data, dict):
        for key, value in data.items():
            yield from _strings(value, f"{where}.{key}")
    elif isinstance(data, list):
        for index, value in enumerate(data):
            yield from _strings(value, f"{where}.{index}")
    elif isinstance(data, str):
        yield where, data


def test_every_dollar_amount_and_percentage_in_copy_comes_from_facts() -> None:
    copy_files = sorted(p for p in CONTENT_DIR.glob("*/*.yaml"))
    neutral = ("quiz.yaml", "plans.yaml", "certs.yaml", "guide.yaml")
    copy_files += [CONTENT_DIR / name for name in neutral]
    assert copy_files
    offenders = []
    for path in copy_files:
        for where, text in _strings(parse_yaml(path.read_text(encoding="utf-8"))):
            without_placeholders = re.sub(r"\{(fact|cite|url):[a-z0-9_]+\}", "", text)
            if FIGURE.search(without_placeholders):
                offenders.append(f"{path.relative_to(CONTENT_DIR)}:{where}: {text[:60]}")
    assert not offenders, "figures must come from facts.yaml:\n" + "\n".join(offenders)


def _texts(data: object):
    """Each string of a content file, except that a credential's words count as one text:
    its card and its "Compare all" block are each one screen, so a source cited once on the
    screen covers every figure from it there."""
    cards: dict[str, list[str]] = {}
    for where, text in _strings(data):
        card = re.match(r"\.credentials\.[a-z0-9_]+", where)
        if card:
            cards.setdefault(card.group(), []).append(text)
        else:
            yield where, text
    for where, texts in cards.items():
        yield where, "\n".join(texts)


def test_every_figure_in_copy_is_cited_with_its_source_and_date(content: Content) -> None:
    """Each text that states {fact:K} also carries a {cite:...} with K's source and date."""
    facts = content.facts.facts
    uncited = []
    for path in sorted(CONTENT_DIR.glob("*/*.yaml")):
        for where, text in _texts(parse_yaml(path.read_text(encoding="utf-8"))):
            cited = {
                (facts[k].source, facts[k].as_of, facts[k].projection)
                for k in re.findall(r"\{cite:([a-z0-9_]+)\}", text)
            }
            for key in re.findall(r"\{fact:([a-z0-9_]+)\}", text):
                if (facts[key].source, facts[key].as_of, facts[key].projection) not in cited:
                    uncited.append(f"{path.relative_to(CONTENT_DIR)}:{where}: {key}")
    assert not uncited, "figures without their source and date:\n" + "\n".join(uncited)


def test_every_fact_has_a_known_source_and_a_date_or_says_undated(content: Content) -> None:
    for key, fact in content.facts.facts.items():
        assert fact.source in content.facts.sources, key
        assert fact.as_of is None or re.fullmatch(r"\d{4}(-\d{2})?", fact.as_of), key


def test_a_replaced_figure_is_gone_or_only_dated_context(content: Content) -> None:
    facts = content.facts.facts
    for retired in ("bls_median_2023", "cpc_exam_format_older", "aapc_single_credential_average"):
        assert retired not in facts, retired
    superseded = {k: f.superseded_by for k, f in facts.items() if f.superseded_by}
    assert superseded == {"careerstep_growth": "bls_growth"}
    assert facts["careerstep_growth"].as_of < facts["bls_growth"].as_of


# ---- every figure is checked against its issuer, or labeled as a guide's claim ----------

ISSUER_HOSTS = ("aapc.com", "ahima.org", "nhanow.com", "bls.gov", "cms.gov", "healthcare.gov")
NUMBER_WORDS = {"one": "1", "two": "2", "four": "4", "six": "6"}


def _numbers(text: str) -> set[str]:
    for word, digit in NUMBER_WORDS.items():
        text = re.sub(rf"\b{word}\b", digit, text, flags=re.IGNORECASE)
    return set(re.findall(r"\d[\d,.]*\d|\d", text))


def test_every_fact_is_checked_on_an_issuers_page_or_labeled_a_guides_claim(
    content: Content,
) -> None:
    sources = content.facts.sources
    for key, fact in content.facts.facts.items():
        assert bool(fact.checked) != bool(fact.claim_of), key
        for check in fact.checked:
            host = urlsplit(check.url).hostname or ""
            assert any(host == h or host.endswith("." + h) for h in ISSUER_HOSTS), key
            assert re.fullmatch(r"\d{4}-\d{2}-\d{2}", check.date), key
            assert check.quote.strip(), key
            if check.via == "copy elsewhere":
                # Read on someone else's site: it says which, and it is not an issuer's page.
                copy_host = urlsplit(check.copy_url or "").hostname or ""
                assert copy_host, key
                assert not any(copy_host.endswith(h) for h in ISSUER_HOSTS), key
            else:
                assert check.via in ("stored copy", "live page") and not check.copy_url, key
        if fact.claim_of:
            assert fact.claim_of in sources, key
            assert not sources[fact.claim_of].url, f"{key}: a claim belongs to a guide we hold"


def test_the_quoted_words_carry_every_number_of_a_checked_figure(content: Content) -> None:
    """A quote that does not contain the figure does not support it."""
    for key, fact in content.facts.facts.items():
        if not fact.checked:
            continue
        quoted = set().union(*(_numbers(check.quote) for check in fact.checked))
        missing = _numbers(fact.worded("en")) - quoted
        assert not missing, f"{key}: {sorted(missing)} not in the quoted words"


def test_what_was_checked_on_the_issuers_pages(content: Content) -> None:
    facts = content.facts.facts
    checked = {key for key, fact in facts.items() if fact.checked}
    assert {
        "cpc_exam_format",
        "coc_exam_format",
        "cpb_exam_format",
        "crc_exam_format",
        "cca_exam_format",
        "aapc_ceu_rule",
        "aapc_apprentice_experience",
        "aapc_exam_membership",
        "ahima_recertification_cycle",
    } <= checked
    cpc = facts["cpc_exam_format"]
    assert cpc.checked[0].url == "https://www.aapc.com/resources/cpc-exam-faqs"
    assert "100 multiple-choice questions" in cpc.checked[0].quote
    assert "4 hours" in cpc.checked[0].quote


@pytest.mark.parametrize(
    ("key", "issuer"),
    [
        ("bls_median_2024", "bls.gov"),
        ("bls_growth", "bls.gov"),
        ("aapc_cpc_median", "aapc.com"),
        ("aapc_cpb_median", "aapc.com"),
        ("aapc_three_credentials", "aapc.com"),
        ("aapc_remote_coders", "aapc.com"),
        ("cbcs_exam_fee", "nhanow.com"),
    ],
)
def test_figures_no_issuer_confirmed_say_whose_claim_they_are_and_where_to_confirm(
    content: Content, key: str, issuer: str
) -> None:
    fact = content.facts.facts[key]
    assert fact.claim_of and not fact.checked
    for language in content.languages:
        dates = content.words(language).messages.dates
        shown = cite(content.facts, key, dates)
        assert content.facts.sources[fact.claim_of].short in shown, (language, shown)
        assert issuer in shown, (language, shown)
    assert cite(content.facts, key, content.words("en").messages.dates).endswith(
        f"; confirm at {issuer}"
    )


def test_a_checked_figure_shows_its_issuer_and_the_date_it_was_checked(content: Content) -> None:
    en = content.words("en").messages.dates
    es = content.words("es").messages.dates
    assert cite(content.facts, "cpc_exam_format", en) == "AAPC, checked November 2026"
    assert cite(content.facts, "cpc_exam_format", es) == "AAPC, consultado en noviembre de 2026"


def test_a_figure_read_only_in_a_copy_elsewhere_does_not_say_checked(content: Content) -> None:
    en = content.words("en").messages.dates
    es = content.words("es").messages.dates
    copied = content.facts.facts["icd_e11_40"]
    assert [check.via for check in copied.checked] == ["copy elsewhere"]
    assert cite(content.facts, "icd_e11_40", en) == "CMS, read in a copy of its text, November 2026"
    assert (
        cite(content.facts, "icd_e11_40", es)
        == "CMS, leído en una copia de su texto, noviembre de 2026"
    )
    # Read on CMS's own page (the search tool's stored copy of it): "checked".
    assert [check.via for check in content.facts.facts["eligibility_check"].checked] == [
        "stored copy"
    ]
    assert cite(content.facts, "eligibility_check", en) == "CMS, checked November 2026"


# ---- the audited errors stay fixed, in every language ----------------------------------------

WRONG = {
    "the retired CPC format": r"150 (questions|preguntas)|5 (hours|horas)( y)? 40",
    "$64,890 as a single-credential average": r"64,890|single credential|una sola certificación",
    "7% dated to 2032": r"(projection to|proyección a) 2032|through 2032",
    "S83.2 as a billable code": r"S83\.2(?![-\w])",
    "29881 called a repair": (
        r"29881[^.\n]{0,40}\b(repair|repara)|(repairs|repara)[^.\n]{0,80}29881"
    ),
    "99213 as any routine visit": r"(routine|rutina)[^.\n]{0,40}99213",
    "BLS counting all billers under 29-2072": (
        r"all billers and coders|billers and coders together|facturadores y codificadores juntos"
        r"|cuenta a facturadores y codificadores"
    ),
    "notes to ourselves": (
        r"No public link on file|We follow the newest|Not given in our sources"
        r"|Seguimos a la más nueva|No tenemos un enlace público|Nuestras fuentes no"
    ),
    "the newer guide winning": r"newer figure wins|we use the newest|usamos la cifra más nueva",
}


@pytest.mark.parametrize("mistake", WRONG)
def test_the_audited_errors_appear_nowhere(dialogue: Dialogue, mistake: str) -> None:
    pattern = re.compile(WRONG[mistake], re.IGNORECASE)
    found = [name for name, reply in all_screens(dialogue) if pattern.search(reply.text)]
    for path in sorted(CONTENT_DIR.glob("*/*.yaml")):
        found += [
            f"{path.relative_to(CONTENT_DIR)}:{where}"
            for where, text in _strings(parse_yaml(path.read_text(encoding="utf-8")))
            if pattern.search(text)
        ]
    assert not found, f"{mistake}: {found[:5]}"


CORRECT = {
    "en": {
        "card-cpc": (
            "100 multiple-choice questions in 4 hours",
            "AAPC membership",
            "CPC-A (apprentice) until 2 years of coding experience",
            "36 CEUs every two years for one credential, more for each one you add (up to 52)",
        ),
        "card-coc": ("first credential", "COC-A", "100 multiple-choice questions in 4 hours"),
        "guide-roles": (
            "a code from ICD-10-CM S83.2-",
            "completed to the full code",
            "7th character",
            "CPT 29881 (knee arthroscopy with meniscectomy: the torn part is removed",
            "established patient with low-complexity decision-making is 99213",
            "SOC 43-3021",
        ),
        "guide-salary": ("projection for 2024–34", "SOC 43-3021"),
    },
    "es": {
        "card-cpc": (
            "100 preguntas de opción múltiple en 4 horas",
            "ser miembro de la AAPC",
            "2 años de experiencia",
            "hasta 52",
        ),
        "card-coc": ("primera certificación", "COC-A"),
        "guide-roles": (
            "un código de ICD-10-CM S83.2-",
            "7.º carácter",
            "se quita la parte desgarrada",
            "paciente ya conocido",
            "SOC 43-3021",
        ),
        "guide-salary": ("proyección para 2024–34", "SOC 43-3021"),
    },
}


@pytest.mark.parametrize("language", CORRECT)
def test_the_corrected_values_are_what_users_read(dialogue: Dialogue, language: str) -> None:
    screens: dict[str, str] = {}
    for name, reply in all_screens(dialogue):
        lang, _, screen = name.partition("/")
        if lang == language:
            group = re.sub(r"-\d+$", "", screen)
            screens[group] = screens.get(group, "") + "\n" + reply.text
    for screen, needles in CORRECT[language].items():
        for needle in needles:
            assert needle in screens[screen], (language, screen, needle)


def test_the_guides_starting_pay_is_not_presented_as_a_bls_figure(dialogue: Dialogue) -> None:
    for name, reply in all_screens(dialogue):
        for block in reply.text.split("\n\n"):
            if "$40,000" in block:
                assert "BLS" not in block, (name, block)


# ---- US English -----------------------------------------------------------------------------

BRITISH = (
    # -ise/-isation where US English writes -ize/-ization
    r"\b(organ|special|recogn|real|minim|priorit|apolog|util|optim|summar|emphas|standard"
    r"|author|final|categor|custom|memor|visual|critic|capital|maxim|familiar)is(e|ed|es|ing"
    r"|ation|ations)\b",
    r"\bpractis(e|ed|es|ing)\b",  # the verb; US English practices with a c
    r"\benrol(s|ment)?\b",
    r"\bfulfil(s|ment)?\b",
    r"\b(fav|col|behavi|lab|hon|neighb|rum|hum|harb)our",
    r"orthopaed|paediatr|haem|oesophag|anaesth|\bfoetus",
    r"\bmaths\b",
    r"\bcentr(e|es|ed)\b",
    r"\blicence\b",  # the noun; US English license
    r"\bdefence\b|\boffence\b",
    r"\bcheque|\bprogramme|\bcatalogue|\bjudgement|\bwhilst\b|\bamongst\b",
    r"\btravell(ed|ing|er)|\bcancell(ed|ing)\b|\bmodell(ed|ing)\b|\blabell(ed|ing)\b",
    r"\bageing\b|\bgrey\b|\bcosy\b|\banalys(e|ed|es|ing)\b",
)


def test_the_english_copy_is_us_english(dialogue: Dialogue) -> None:
    pattern = re.compile("|".join(BRITISH), re.IGNORECASE)
    found = []
    neutral = ("quiz.yaml", "plans.yaml", "certs.yaml", "guide.yaml", "facts.yaml")
    paths = [*sorted((CONTENT_DIR / "en").glob("*.yaml")), *(CONTENT_DIR / n for n in neutral)]
    for path in paths:
        for where, text in _strings(parse_yaml(path.read_text(encoding="utf-8"))):
            if where.endswith(".id"):
                continue  # ids are keys, never shown
            found += [f"{path.name}:{where}: {m.group()}" for m in pattern.finditer(text)]
    for name, reply in all_screens(dialogue):
        if name.startswith("en/"):
            found += [f"{name}: {m.group()}" for m in pattern.finditer(reply.text)]
    assert not found, "British spellings in the English copy:\n" + "\n".join(found)


def test_the_spelling_check_catches_british_spellings() -> None:
    pattern = re.compile("|".join(BRITISH), re.IGNORECASE)
    for word in (
        "organisation",
        "specialise",
        "favour",
        "enrol",
        "practise",
        "recognised",
        "orthopaedic",
        "maths",
        "centred",
        "colour",
        "behaviour",
        "licence",
    ):
        assert pattern.search(f"a {word} here"), word
    for word in (
        "organization",
        "specialize",
        "favor",
        "enroll",
        "practice",
        "recognized",
        "orthopedic",
        "math",
        "centered",
        "color",
        "behavior",
        "license",
        "center",
    ):
        assert not pattern.search(f"a {word} here"), word


# ---- broken content stops start-up with a clear message ------------------------------------


def _edit(path: Path, change) -> None:
    data = parse_yaml(path.read_text(encoding="utf-8"))
    change(data)
    path.write_text(yaml.safe_dump(data, allow_unicode=True), encoding="utf-8")


def test_the_copy_loads(content_copy: Path) -> None:
    assert load_content(content_copy).quiz.questions


@pytest.mark.parametrize(
    ("file", "change", "expected"),
    [
        (
            "quiz.yaml",
            lambda d: d["questions"][0]["options"][0].pop("coding"),
            r"quiz\.yaml: questions\.0\.options\.0\.coding: Field required",
        ),
        (
            "facts.yaml",
            lambda d: d["links"].update(aapc="http://www.aapc.com"),
            r"facts\.yaml: links\.aapc: .*https",
        ),
        (
            "facts.yaml",
            lambda d: d["links"].update(aapc="https://example.com"),
            r"facts\.yaml: links\.aapc: .*not one of",
        ),
        (
            "en/quiz.yaml",
            lambda d: d["questions"]["anatomy"]["options"].pop("fascinated"),
            r"en/quiz\.yaml: questions\.anatomy\.options: missing fascinated",
        ),
        (
            "en/plans.yaml",
            lambda d: d["personas"]["veteran"]["steps"].pop("day60"),
            r"en/plans\.yaml: personas\.veteran\.steps: missing day60",
        ),
        (
            "en/messages.yaml",
            lambda d: d["result"].update(figures="{fact:no_such_fact}"),
            r"en/messages\.yaml: result\.figures: unknown fact 'no_such_fact'",
        ),
        (
            "certs.yaml",
            lambda d: d["credentials"][0].update(link="nowhere"),
            r"certs\.yaml: cpc\.link: unknown link",
        ),
        (
            "guide.yaml",
            lambda d: d["topics"][0]["pages"].append("extra"),
            r"en/guide\.yaml: topics\.roles\.pages: missing extra",
        ),
        (
            "guide.yaml",
            lambda d: d["topics"][1].update(command="roles"),
            r"guide\.yaml: topics: each command must be unique",
        ),
        (
            "guide.yaml",
            lambda d: d["topics"][0].update(command="duties"),
            r"en/messages\.yaml: commands: no description for /duties",
        ),
        (
            "guide.yaml",
            lambda d: d["topics"][0].update(pages=[]),
            r"guide\.yaml: topics\.0\.pages: List should have at least 1 item",
        ),
        (
            "en/guide.yaml",
            lambda d: d["topics"].pop("jobs"),
            r"en/guide\.yaml: topics: missing jobs",
        ),
        (
            "en/guide.yaml",
            lambda d: d["topics"]["salary"]["pages"].update(federal="  "),
            r"en/guide\.yaml: topics\.salary\.pages\.federal: empty page",
        ),
        (
            "en/guide.yaml",
            lambda d: d["topics"]["salary"]["pages"].update(federal="{fact:bls_median_2099}"),
            r"en/guide\.yaml: topics\.salary\.pages\.federal: unknown fact 'bls_median_2099'",
        ),
        (
            "en/guide.yaml",
            lambda d: d["sources"]["about"].pop("nha"),
            r"en/guide\.yaml: sources\.about: missing nha",
        ),
        (
            "facts.yaml",
            lambda d: d["facts"]["cpc_exam_format"].pop("checked"),
            r"facts\.yaml: facts\.cpc_exam_format: .*needs either `checked`",
        ),
        (
            "facts.yaml",
            lambda d: d["facts"]["bls_median_2024"].pop("claim_of"),
            r"facts\.yaml: facts\.bls_median_2024: .*needs either `checked`",
        ),
        (
            "facts.yaml",
            lambda d: d["facts"]["bls_median_2024"].update(d["facts"]["cpc_exam_format"]),
            r"facts\.yaml: facts\.bls_median_2024: .*and not both",
        ),
        (
            "facts.yaml",
            lambda d: d["facts"]["aapc_ceu_rule"]["checked"][0].pop("quote"),
            r"facts\.yaml: facts\.aapc_ceu_rule\.checked\.0\.quote: Field required",
        ),
        (
            "facts.yaml",
            lambda d: d["facts"]["aapc_ceu_rule"]["checked"][0].pop("date"),
            r"facts\.yaml: facts\.aapc_ceu_rule\.checked\.0\.date: Field required",
        ),
        (
            "facts.yaml",
            lambda d: d["facts"]["aapc_ceu_rule"]["checked"][0].update(
                url="https://www.va.gov/education/"
            ),
            r"facts\.yaml: facts\.aapc_ceu_rule\.checked\.0\.url: .*issuer's page",
        ),
        (
            "facts.yaml",
            lambda d: d["facts"]["icd_e11_40"]["checked"][0].pop("copy_url"),
            r"facts\.yaml: facts\.icd_e11_40\.checked\.0: .*copy elsewhere needs copy_url",
        ),
        (
            "facts.yaml",
            lambda d: d["facts"]["aapc_ceu_rule"]["checked"][0].update(
                copy_url="https://example.com/a-copy"
            ),
            r"facts\.yaml: facts\.aapc_ceu_rule\.checked\.0: .*only it has one",
        ),
        (
            "facts.yaml",
            lambda d: d["facts"]["icd_e11_40"]["checked"][0].update(via="a friend told me"),
            r"facts\.yaml: facts\.icd_e11_40\.checked\.0\.via: Input should be",
        ),
        (
            "facts.yaml",
            lambda d: d["facts"]["cbcs_exam_fee"].update(confirm_at="nobody"),
            r"facts\.yaml: facts\.cbcs_exam_fee\.confirm_at: unknown source 'nobody'",
        ),
        (
            "facts.yaml",
            lambda d: d["sources"]["guide_2025"].pop("confirm_at"),
            r"facts\.yaml: sources\.guide_2025: .*needs a url, or confirm_at",
        ),
    ],
)
def test_invalid_content_names_file_and_field(
    content_copy: Path, file: str, change, expected: str
) -> None:
    _edit(content_copy / file, change)
    with pytest.raises(ContentError, match=expected):
        load_content(content_copy)


def test_invalid_yaml_is_reported_with_the_file(content_copy: Path) -> None:
    (content_copy / "plans.yaml").write_text("phases: [day30\n", encoding="utf-8")
    with pytest.raises(ContentError, match=r"plans\.yaml: not valid YAML"):
        load_content(content_copy)
