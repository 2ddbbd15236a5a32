"""French and English words for the codes the data carries: definition variants, feeds (load-log
entities), KPI families, statuses, channels, QA form codes, forecast methods, and the generated
text of the bonus/malus tiers (from the band bounds, never from the seed's English sentence).

A pack in French must show no code and no English word: every code a mart can hold has its words
here; an unknown code is shown as words (underscores become spaces) rather than as a code."""

from __future__ import annotations

import re

# kpi-specific definition variants first ("variant:<kpi>:<code>"), then shared ones ("variant:<code>")
VARIANTS: dict[str, tuple[str, str]] = {
    "variant:service_level:connect": (
        "Amazon Connect : (répondus + abandons dans le seuil + rappels) ÷ présentés",
        "Amazon Connect: (answered + abandoned within the threshold + callbacks) ÷ offered"),
    "variant:genesys_all": (
        "Genesys : répondus dans le seuil ÷ (répondus + abandons + débordements)",
        "Genesys: answered within the threshold ÷ (answered + abandoned + flow-outs)"),
    "variant:genesys_excl_short": (
        "Genesys hors abandons courts : répondus dans le seuil ÷ (répondus + abandons − abandons "
        "courts + débordements)",
        "Genesys without short abandons: answered within the threshold ÷ (answered + abandoned − "
        "short abandons + flow-outs)"),
    "variant:cisco_ignore_abandons": (
        "Cisco, abandons ignorés : répondus dans le seuil ÷ (présentés − abandons dans le seuil)",
        "Cisco, abandons ignored: answered within the threshold ÷ (offered − abandoned within the "
        "threshold)"),
    "variant:cisco_abandons_against": (
        "Cisco, abandons comptés contre : répondus dans le seuil ÷ (présentés − abandons courts)",
        "Cisco, abandons count against: answered within the threshold ÷ (offered − short abandons)"),
    "variant:cisco_abandons_for": (
        "Cisco, abandons comptés pour : (répondus + abandons dans le seuil, hors courts) ÷ "
        "(présentés − abandons courts)",
        "Cisco, abandons count for: (answered + abandoned within the threshold, short excluded) ÷ "
        "(offered − short abandons)"),
    "variant:over_offered": (
        "abandons hors abandons courts ÷ présentés hors abandons courts",
        "abandoned less short abandons ÷ offered less short abandons"),
    "variant:over_queued": ("abandons ÷ présentés", "abandoned ÷ offered"),
    "variant:occupancy:connect": (
        "Amazon Connect : temps en contact ÷ (temps en contact + temps disponible)",
        "Amazon Connect: time on contacts ÷ (time on contacts + available time)"),
    "variant:calabrio": ("Calabrio : (conversation + post-traitement) ÷ temps prêt",
                         "Calabrio: (talk + after-contact work) ÷ ready time"),
    "variant:avaya": ("Avaya : (temps en contact + post-traitement) ÷ temps connecté",
                      "Avaya: (time on contacts + after-contact work) ÷ staffed time"),
    "variant:top_2_box": ("part des notes 4 et 5 sur 5 (top 2)", "share of 4 and 5 out of 5 (top 2 box)"),
    "variant:same_month_last_year_x_trend": (
        "même mois l'an dernier × tendance récente", "same month last year × recent trend"),
    "variant:repeat_and_resolution_flag": (
        "sans réitération et dossier non marqué non résolu par le CRM",
        "no repeat and the case not flagged unresolved by the CRM"),
    "variant:repeat_only": ("sans réitération (indicateur de résolution du CRM ignoré)",
                            "no repeat (the CRM's resolution flag ignored)"),
    "variant:aht_seconds:queued": ("contacts traités depuis une file", "contacts answered from a queue"),
    "variant:aht_seconds:all_handled": ("tous les contacts traités, en file ou non",
                                        "every handled contact, queued or not"),
}

CODES: dict[str, tuple[str, str]] = {
    # feeds (the entities of mart_pipeline_load_status)
    "acd__contacts": ("ACD — contacts", "ACD — contacts"),
    "acd__agent_intervals": ("ACD — activité des conseillers par intervalle",
                             "ACD — agent activity by interval"),
    "crm__cases": ("CRM — dossiers", "CRM — cases"),
    "crm__surveys": ("CRM — enquêtes de satisfaction", "CRM — satisfaction surveys"),
    "qa__evaluations": ("Qualité — évaluations", "QA — evaluations"),
    "qa__evaluation_answers": ("Qualité — réponses aux grilles", "QA — evaluation answers"),
    "wfm__forecasts": ("WFM — prévisions", "WFM — forecasts"),
    "wfm__roster": ("WFM — effectifs", "WFM — roster"),
    "wfm__schedules": ("WFM — plannings", "WFM — schedules"),
    "wfm__adherence": ("WFM — adhérence", "WFM — adherence"),
    # KPI families
    "productivity": ("productivité", "productivity"), "quality": ("qualité", "quality"),
    "workforce": ("effectifs", "workforce"), "financial": ("financier", "financial"),
    "governance": ("gouvernance", "governance"), "commercial": ("commercial", "commercial"),
    # action-plan statuses
    "open": ("ouverte", "open"), "in_progress": ("en cours", "in progress"), "done": ("terminée", "done"),
    "late": ("en retard", "late"), "cancelled": ("annulée", "cancelled"),
    # channels
    "VOICE": ("Voix", "Voice"), "CHAT": ("Chat", "Chat"), "EMAIL": ("E-mail", "E-mail"),
    # QA breakdown types and the sample form's sections and criteria
    "total": ("total", "total"), "section": ("rubrique", "section"), "criterion": ("critère", "criterion"),
    "opening": ("Ouverture", "Opening"), "handling": ("Traitement", "Handling"),
    "closing": ("Conclusion", "Closing"), "greeting": ("Accueil", "Greeting"),
    "identity_check": ("Vérification d'identité", "Identity check"),
    "needs_discovery": ("Découverte du besoin", "Needs discovery"),
    "solution_accuracy": ("Justesse de la réponse", "Solution accuracy"),
    "tone_empathy": ("Ton et empathie", "Tone and empathy"),
    "hold_etiquette": ("Mise en attente", "Hold etiquette"),
    "recap_next_steps": ("Récapitulatif et suite", "Recap and next steps"),
    "gdpr_disclosure": ("Mention RGPD", "GDPR disclosure"),
    # forecast methods
    "same_month_last_year_x_trend": ("même mois N-1 × tendance", "same month last year × trend"),
    "last_3_months_mean": ("moyenne des 3 derniers mois", "last 3 months mean"),
}

_DAYS = re.compile(r"^(\d+) days?$")
_CODE = re.compile(r"^[a-z][a-z0-9]*(_[a-z0-9]+)+$")


def _pick(pair: tuple[str, str], lang: str) -> str:
    return pair[0] if lang == "fr" else pair[1]


def code_text(code: str, lang: str) -> str | None:
    """Words for a code the data carries, or ``None`` when it is not a known code."""
    if code in CODES:
        return _pick(CODES[code], lang)
    match = _DAYS.match(code)
    if match:
        n = int(match.group(1))
        return f"{n} jour{'s' if n > 1 else ''}" if lang == "fr" else f"{n} day{'s' if n > 1 else ''}"
    return None


def variant_text(code: str, lang: str, kpi_id: str | None = None) -> str:
    """Words for a KPI's definition variant (``genesys_excl_short``, ``7 days``...); a variant of
    several parts (``repeat_and_resolution_flag, 7 days``) is said part by part."""
    if ", " in code:
        return ", ".join(variant_text(part, lang, kpi_id) for part in code.split(", "))
    pair = VARIANTS.get(f"variant:{kpi_id}:{code}") or VARIANTS.get(f"variant:{code}")
    if pair:
        return _pick(pair, lang)
    if kpi_id in ("repeat_rate", "fcr_rate") and _DAYS.match(code):
        n = int(_DAYS.match(code).group(1))
        return (f"nouveau contact dans les {n} jours" if lang == "fr"
                else f"new contact within {n} days")
    return code_text(code, lang) or humanize(code)


def humanize(code: str) -> str:
    """An unknown snake_case code as words (never shown as a code)."""
    if _CODE.match(code):
        text = code.replace("__", " — ").replace("_", " ")
        return text[:1].upper() + text[1:]
    return code
