"""French and English labels of the packs: sheet and section titles, columns, KPIs, RAG words.

Keys are the model's stable keys (table keys, column keys, kpi ids). KPI labels come first from
the warehouse's KPI dimension (``marts.dim_kpi``: label_en / label_fr), then from here; an
unknown key is shown as itself, so a new mart column never breaks a pack."""

from __future__ import annotations

LANGS = ("fr", "en")

_T: dict[str, tuple[str, str]] = {  # key: (fr, en)
    # committees
    "production": ("Comité de production", "Production committee"),
    "quality": ("Comité qualité", "Quality committee"),
    "calibration": ("Séance de calibrage", "Calibration session"),
    "steering": ("Comité de pilotage", "Steering committee"),
    "strategic": ("Comité stratégique", "Strategic committee"),
    # audiences
    "audience_committee": ("Pack du comité", "Committee pack"),
    "audience_supervisors": ("Pack superviseurs (détail par conseiller)",
                             "Supervisors' pack (agent-level detail)"),
    # sheets / sections
    "cover": ("Couverture", "Cover"),
    "scorecard": ("Indicateurs", "Scorecard"),
    "daily": ("Par jour", "Daily"),
    "intervals": ("Par intervalle", "Intervals"),
    "agents": ("Conseillers", "Agents"),
    "action_plan": ("Plan d'actions", "Action plan"),
    "trend": ("Tendance", "Trend"),
    "spread": ("Écarts évaluateurs", "Evaluator spread"),
    "sessions": ("Sessions", "Sessions"),
    "quarters": ("Trimestres", "Quarters"),
    "targets_summary": ("Objectifs atteints", "Targets met"),
    "forecast": ("Prévision volumes", "Volume forecast"),
    "benchmark": ("Référence anonyme", "Anonymous benchmark"),
    "qa_breakdown": ("Qualité par rubrique et critère", "QA by section and criterion"),
    "bonus_malus": ("Bonus-malus", "Bonus-malus"),
    "freshness": ("Fraîcheur des données", "Data freshness"),
    "data_issues": ("Jours manquants ou en quarantaine", "Missing or quarantined days"),
    "definitions": ("Définitions", "Definitions"),
    "charts": ("Graphiques", "Charts"),
    # charts
    "chart_sl_by_day": ("Niveau de service par jour vs objectif", "Service level by day vs target"),
    "chart_volumes_vs_forecast": ("Volumes présentés vs prévision", "Offered volumes vs forecast"),
    "chart_kpi_trend": ("Tendance", "Trend"),
    "chart_calibration_spread": ("Écart des évaluateurs à la référence", "Evaluators' spread vs reference"),
    # cover
    "provider": ("Prestataire", "Provider"),
    "period": ("Période", "Period"),
    "period_days": ("Jours de la période", "Days of the period"),
    "data_as_of": ("Données arrêtées au", "Data as of"),
    "generated_from": ("Généré à partir des données du", "Generated from data as of"),
    "days_included": ("Jours complets (toutes sources chargées)", "Complete days (every source loaded)"),
    "sources": ("Sources", "Sources"),
    "fingerprint": ("Empreinte des données (sha256)", "Data fingerprint (sha256)"),
    "audience": ("Destinataires", "Audience"),
    "confidentiality": ("Confidentialité", "Confidentiality"),
    "confidentiality_text": (
        "Ne contient que les données de ce prestataire ; la référence est anonyme.",
        "Holds this provider's data only; the benchmark is anonymous."),
    "issues_warning": ("Les chiffres de ces jours peuvent être incomplets.",
                       "Figures of these days may be incomplete."),
    "no_issues": ("Aucun jour manquant ni en quarantaine.", "No missing or quarantined day."),
    "service_level_variant": ("Définition du niveau de service", "Service-level definition"),
    "abandon_rate_variant": ("Définition du taux d'abandon", "Abandon-rate definition"),
    "rag_rule": ("Code couleur", "RAG rule"),
    "rag_rule_text": ("vert = objectif atteint, orange = manqué dans la tolérance, rouge = au-delà, "
                      "gris = sans objectif",
                      "green = target met, amber = missed within tolerance, red = worse, grey = no target"),
    "rates_rule": ("Calcul des taux", "How rates are computed"),
    "rates_rule_text": ("somme des numérateurs ÷ somme des dénominateurs (jamais de moyenne de taux)",
                        "sum of numerators ÷ sum of denominators (rates are never averaged)"),
    # notes
    "note_mart_missing": ("Table absente de l'entrepôt : section vide.",
                          "Table not in the warehouse: section left empty."),
    "note_benchmark_too_few": ("Moins de 3 prestataires : pas de référence (anonymat).",
                               "Fewer than 3 providers: no benchmark (anonymity)."),
    "note_no_action_plan": ("Pas de plan d'actions dans l'entrepôt.", "No action plan in the warehouse."),
    "note_no_rows": ("Aucune ligne pour cette période.", "No rows for this period."),
    "note_no_forecast": ("Pas de prévision dans l'entrepôt.", "No forecast in the warehouse."),
    "note_no_forecast_for_period": (
        "Pas de prévision calculée à partir de cette période (la prévision part du dernier mois complet).",
        "No forecast starts from this period (the forecast starts from the last complete month)."),
    # values
    "green": ("vert", "green"), "amber": ("orange", "amber"), "red": ("rouge", "red"),
    "grey": ("gris", "grey"),
    "up": ("hausse", "up"), "down": ("baisse", "down"), "flat": ("stable", "flat"),
    "true": ("oui", "yes"), "false": ("non", "no"),
    "ALL": ("Ensemble", "All"),
    "loaded": ("chargé", "loaded"), "missing": ("manquant", "missing"),
    "quarantined": ("quarantaine", "quarantined"), "not_processed": ("non traité", "not processed"),
    # columns
    "provider_id": ("Prestataire", "Provider"), "site_id": ("Site", "Site"), "team_id": ("Équipe", "Team"),
    "queue_name": ("File", "Queue"), "channel": ("Canal", "Channel"), "agent_id": ("Conseiller", "Agent"),
    "evaluator_id": ("Évaluateur", "Evaluator"), "business_date": ("Jour", "Day"),
    "interval_start_local": ("Début d'intervalle", "Interval start"),
    "kpi_id": ("Indicateur", "KPI"), "unit": ("Unité", "Unit"), "actual": ("Réalisé", "Actual"),
    "target_value": ("Objectif", "Target"), "gap": ("Écart", "Gap"), "rag_status": ("Statut", "RAG"),
    "tolerance": ("Tolérance", "Tolerance"), "priority": ("Priorité", "Priority"),
    "previous_period_actual": ("Période précédente", "Previous period"),
    "trend_vs_previous": ("Tendance", "Trend"),
    "same_period_last_year_actual": ("Même période N-1", "Same period last year"),
    "numerator": ("Numérateur", "Numerator"), "denominator": ("Dénominateur", "Denominator"),
    "definition_variant": ("Définition", "Definition"),
    "is_higher_better": ("Plus haut = mieux", "Higher is better"),
    "offered": ("Présentés", "Offered"), "answered": ("Traités", "Answered"),
    "abandoned": ("Abandons", "Abandoned"), "short_abandoned": ("Abandons courts", "Short abandons"),
    "offered_net": ("Présentés nets", "Net offered"),
    "answered_within_threshold": ("Traités dans le seuil", "Answered within threshold"),
    "abandoned_within_threshold": ("Abandons dans le seuil", "Abandoned within threshold"),
    "service_level": ("Niveau de service", "Service level"), "sl_target": ("Objectif NS", "SL target"),
    "sl_threshold_seconds": ("Seuil NS (s)", "SL threshold (s)"),
    "abandon_rate": ("Taux d'abandon", "Abandon rate"), "aht_seconds": ("DMT (s)", "AHT (s)"),
    "asa_seconds": ("Attente moyenne (s)", "ASA (s)"), "csat_rate": ("CSAT", "CSAT"),
    "csat_mean": ("CSAT moyen", "CSAT mean"), "qa_score": ("Note qualité", "QA score"),
    "forecast_contacts": ("Prévision", "Forecast"),
    "scheduled_agents": ("Conseillers planifiés", "Scheduled agents"),
    "erlang_required_agents": ("Besoin Erlang C", "Erlang C required"),
    "contacts_handled": ("Contacts traités", "Contacts handled"),
    "adherence_rate": ("Adhérence", "Adherence"),
    "evaluations": ("Évaluations", "Evaluations"),
    "critical_errors": ("Erreurs critiques", "Critical errors"),
    "action_id": ("Action", "Action"), "title": ("Intitulé", "Title"), "owner": ("Responsable", "Owner"),
    "opened_on": ("Ouverte le", "Opened on"), "due_on": ("Échéance", "Due on"),
    "closed_on": ("Clôturée le", "Closed on"), "status": ("Statut", "Status"),
    "providers": ("Prestataires", "Providers"), "benchmark_mean": ("Moyenne", "Mean"),
    "benchmark_median": ("Médiane", "Median"),
    "entity": ("Flux", "Feed"),
    "source": ("Source", "Source"), "days_loaded": ("Jours chargés", "Days loaded"),
    "days_missing": ("Jours manquants", "Days missing"),
    "days_quarantined": ("Jours en quarantaine", "Days quarantined"),
    "days_not_processed": ("Jours non traités", "Days not processed"),
    "first_day": ("Premier jour", "First day"), "last_day": ("Dernier jour", "Last day"),
    "rows": ("Lignes", "Rows"), "message": ("Motif", "Reason"), "source_file": ("Fichier", "File"),
    "green_count": ("Verts", "Green"), "amber_count": ("Orange", "Amber"), "red_count": ("Rouges", "Red"),
    "grey_count": ("Gris", "Grey"), "kpis": ("Indicateurs", "KPIs"), "family": ("Famille", "Family"),
    "month_start": ("Mois", "Month"), "week_start": ("Semaine", "Week"), "month": ("Mois", "Month"),
    "iso_week": ("Semaine", "Week"), "value": ("Valeur", "Value"), "key": ("Clé", "Key"),
    "period_start": ("Début de période", "Period start"), "period_end": ("Fin de période", "Period end"),
    "period_label": ("Période", "Period"), "period_grain": ("Maille", "Grain"),
    "is_complete_period": ("Période complète", "Complete period"),
    "months_with_data": ("Mois avec données", "Months with data"), "kpi_family": ("Famille", "Family"),
    "target_id": ("Réf. objectif", "Target ref."), "breakdown_type": ("Détail", "Breakdown"),
    "breakdown_value": ("Rubrique / critère", "Section / criterion"),
    "rolling_3m_actual": ("Cumul 3 mois", "Rolling 3 months"),
    "previous_rolling_3m_actual": ("Cumul 3 mois précédent", "Previous rolling 3 months"),
    "trend_3m": ("Tendance 3 mois", "3-month trend"), "drift_vs_previous": ("Dérive vs M-1", "Drift vs M-1"),
    "band_min": ("Borne basse", "Band min"), "band_max": ("Borne haute", "Band max"),
    "band_description": ("Palier", "Band"), "adjustment_pct": ("Ajustement (%)", "Adjustment (%)"),
    "invoice_amount_eur": ("Facture (€)", "Invoice (€)"),
    "adjustment_eur": ("Ajustement (€)", "Adjustment (€)"),
    "is_measured": ("Mesuré", "Measured"), "current_status": ("Statut actuel", "Current status"),
    "status_at_month_end": ("Statut fin de mois", "Status at month end"),
    "days_late_at_month_end": ("Jours de retard", "Days late"),
    "kpi_actual": ("Réalisé de l'indicateur", "KPI actual"),
    "kpi_target_value": ("Objectif de l'indicateur", "KPI target"),
    "kpi_rag_status": ("Statut de l'indicateur", "KPI RAG"),
    "is_opened_in_month": ("Ouverte dans le mois", "Opened in month"),
    "is_closed_in_month": ("Clôturée dans le mois", "Closed in month"),
    "anchor_month": ("Mois de départ", "Anchor month"), "months_ahead": ("Horizon (mois)", "Months ahead"),
    "forecast_method": ("Méthode", "Method"), "forecast_offered": ("Volume prévu", "Forecast volume"),
    "same_month_last_year_offered": ("Même mois N-1", "Same month last year"),
    "trend_ratio": ("Coefficient de tendance", "Trend ratio"),
    "last_3_months_mean_offered": ("Moyenne 3 derniers mois", "Last 3 months mean"),
    "interval_start_time": ("Heure", "Time"), "interval_start_at": ("Début (UTC)", "Start (UTC)"),
    "is_service_level_met": ("NS atteint", "SL met"),
    "staffing_gap_agents": ("Écart d'effectif", "Staffing gap"),
    "logged_in_agents": ("Conseillers connectés", "Logged-in agents"),
    "days_worked": ("Jours travaillés", "Days worked"),
    "staffed_seconds": ("Temps connecté (s)", "Staffed (s)"),
    "adherence": ("Adhérence", "Adherence"),
    "unplanned_absence_seconds": ("Absence imprévue (s)", "Unplanned absence (s)"),
    # KPIs (fallbacks when the catalogue lacks a label)
    "critical_error_rate": ("Taux d'erreurs critiques", "Critical error rate"),
    "ces_mean": ("Effort client (CES)", "Customer effort (CES)"),
    "repeat_rate": ("Taux de réitération", "Repeat-contact rate"),
    "fcr_rate": ("Résolution au premier contact", "First-contact resolution"),
    "cost_per_contact": ("Coût par contact", "Cost per contact"),
    "occupancy_rate": ("Taux d'occupation", "Occupancy"),
    "staffing_coverage": ("Couverture du besoin", "Staffing coverage"),
}

UNITS = {"ratio": ("taux", "ratio"), "seconds": ("secondes", "seconds"), "count": ("nombre", "count"),
         "points": ("points", "points"), "currency": ("euros", "euros")}


def label(key: str, lang: str) -> str:
    """The label of ``key`` in ``lang``; the key itself when unknown."""
    pair = _T.get(key) or UNITS.get(key)
    if pair is None:
        return key
    return pair[0] if lang == "fr" else pair[1]


def definition_label(key: str, lang: str, catalogue: dict | None = None) -> str:
    """Cover line of a definition: ``definition:<kpi_id>`` reads "Definition — <KPI label>"."""
    if key.startswith("definition:"):
        return f"{label('definitions', lang)} — {kpi_label(key.split(':', 1)[1], lang, catalogue)}"
    return label(key, lang)


def kpi_label(kpi_id: str, lang: str, catalogue: dict | None = None) -> str:
    kpi = (catalogue or {}).get(kpi_id)
    text = None
    if kpi is not None:
        text = kpi.label_fr if lang == "fr" else kpi.label_en
    return text or label(kpi_id, lang)


def month_name(month: int, lang: str) -> str:
    fr = ("janvier", "février", "mars", "avril", "mai", "juin", "juillet", "août", "septembre",
          "octobre", "novembre", "décembre")
    en = ("January", "February", "March", "April", "May", "June", "July", "August", "September",
          "October", "November", "December")
    return (fr if lang == "fr" else en)[month - 1]
