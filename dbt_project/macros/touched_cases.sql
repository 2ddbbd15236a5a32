{#- `column in (touched case ids)` in a window run of an existing fct_cases, else always true. -#}
{% macro touched_case_filter(column, cases, contacts, surveys, survey_deliveries) -%}
    {%- if is_incremental() and pilotage.business_date_bounds() is not none -%}
        {{ column }} in ({{ pilotage.touched_cases(cases, contacts, surveys, survey_deliveries) }})
    {%- else -%}
        (1 = 1)
    {%- endif -%}
{%- endmacro %}

{#- `predicate` in a window run of an existing fct_cases, else always true. -#}
{% macro touched_cases_only(predicate) -%}
    {%- if is_incremental() and pilotage.business_date_bounds() is not none -%}
        ({{ predicate }})
    {%- else -%}
        (1 = 1)
    {%- endif -%}
{%- endmacro %}

{#-
    The case ids a window run of fct_cases rebuilds (a case's row depends on its latest version,
    its contacts and its surveys, whatever their dates). Touched: a case version staged from a
    window date or created on one; a case with a contact of a window day (by case number, or as
    its opening contact); a case with a survey staged from a window date, or named by an earlier
    delivery of such a survey (`survey_deliveries`, raw: a survey re-delivered with another case
    leaves its old case, which nothing else of the window may name); and, from the cases built
    before, one whose contacts span a window day (padded a day for the UTC/local edge: a contact
    removed or moved to another case), whose surveys' export days span a window date (a survey
    withdrawn by a re-delivered day, or moved to another case by it) or whose opening contact
    left fct_contacts.
-#}
{% macro touched_cases(cases, contacts, surveys, survey_deliveries) -%}
    {%- set bounds = pilotage.business_date_bounds() -%}
    {%- set first = modules.datetime.date.fromisoformat(bounds[0]) - modules.datetime.timedelta(days=1) -%}
    {%- set last = modules.datetime.date.fromisoformat(bounds[1]) + modules.datetime.timedelta(days=1) -%}
    {#- a fct_cases built before it kept its survey span: every case is touched once (a rebuild of
        the model, which fills the span); later runs use the span -#}
    {%- set built_columns = adapter.get_columns_in_relation(this) | map(attribute='name')
        | map('lower') | list -%}
    {%- set every_case = 'last_survey_business_date' not in built_columns -%}
    with window_contacts as (
        select contact_id, case_number from {{ contacts }}
        where {{ pilotage.business_date_window('business_date') }}
    ),

    window_survey_cases as (
        select coalesce(window_surveys.case_number, survey_contacts.case_number) as case_number
        from {{ surveys }} as window_surveys
        left join {{ contacts }} as survey_contacts
            on window_surveys.contact_id = survey_contacts.contact_id
        where {{ pilotage.business_date_window('window_surveys.business_date') }}
    ),

    earlier_survey_cases as (
        -- the cases the deliveries of those surveys from other days name (the case a survey was
        -- built on before, unless that was a window day's delivery: then its survey span covers
        -- the window); a semi-join on the window's survey ids, hashing only the rows it keeps
        select coalesce({{ pilotage.keyed_hash("nullif(delivered.case_number, '')") }},
            delivered_contacts.case_number) as case_number
        from {{ survey_deliveries }} as delivered
        left join {{ contacts }} as delivered_contacts
            on delivered.contact_id = delivered_contacts.contact_id
        where not {{ pilotage.business_date_window('delivered._business_date') }}
            and delivered.survey_id in (
                select staged_surveys.survey_id from {{ surveys }} as staged_surveys
                where {{ pilotage.business_date_window('staged_surveys.business_date') }}
            )
    )

    select staged.case_id from {{ cases }} as staged
    where {{ pilotage.business_date_window('staged.business_date') }}
        or {{ pilotage.business_date_window('staged.created_date_local') }}
        or staged.case_number in (select window_contacts.case_number from window_contacts)
        or staged.origin_contact_id in (select window_contacts.contact_id from window_contacts)
        or staged.case_number in (select window_survey_cases.case_number from window_survey_cases)
        or staged.case_number in (select earlier_survey_cases.case_number from earlier_survey_cases)
        {%- if every_case %}
        or true
        {%- endif %}
    union
    select built.case_id from {{ this }} as built
    where (
        cast(built.first_contact_at as date) <= cast('{{ last.isoformat() }}' as date)
        and cast(built.last_contact_at as date) >= cast('{{ first.isoformat() }}' as date)
    )
    {%- if every_case %}
    or true
    {%- else %}
    or (
        built.first_survey_business_date <= cast('{{ bounds[1] }}' as date)
        and built.last_survey_business_date >= cast('{{ bounds[0] }}' as date)
    )
    {%- endif %}
    or (
        built.opening_channel is not null
        and not exists (
            select 1 from {{ contacts }} as opening
            where opening.contact_id = built.origin_contact_id
        )
    )
{%- endmacro %}

{#- Post-hook of fct_cases: with a window, delete the cases no longer staged (a case gone from raw
    leaves stg_crm__cases; delete+insert only replaces the cases it inserts). -#}
{% macro delete_cases_gone_from_staging() -%}
    {%- if is_incremental() and pilotage.business_date_bounds() is not none -%}
    delete from {{ this }} as built
    where not exists (
        select 1 from {{ ref('stg_crm__cases') }} as staged
        where staged.case_id = built.case_id
    )
    {%- endif -%}
{%- endmacro %}
