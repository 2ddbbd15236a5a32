{#-
    Incremental staging of a de-duplicated source (stg_acd__contacts, stg_crm__cases,
    stg_crm__surveys: tables because of the keyed hash). A run with a window re-ranks only the
    keys it can have changed: keys with a raw row of a window business date, and keys already
    staged from a window business date (their winning row may have left raw). Every raw row of
    those keys is read, whatever its business date, so the winner is the one a full rebuild picks.
    Without a window, or on the first build / --full-refresh, every key is ranked.
    Assumes raw changes only for window business dates (the load replaces the days of its run).
-#}
{% macro staged_keys_source(relation, keys) -%}
    {%- if is_incremental() and pilotage.business_date_bounds() is not none -%}
    select candidate.*
    from {{ relation }} as candidate
    where exists (
        select 1
        from (
            select {{ keys | join(', ') }}
            from {{ relation }}
            where {{ pilotage.business_date_window('_business_date') }}
            union
            select {{ keys | join(', ') }}
            from {{ this }}
            where {{ pilotage.business_date_window('business_date') }}
        ) as touched
        where {% for key in keys -%}
            touched.{{ key }} is not distinct from candidate.{{ key }}{{ ' and ' if not loop.last }}
        {%- endfor %}
    )
    {%- else -%}
    select * from {{ relation }}
    {%- endif -%}
{%- endmacro %}

{#- Post-hook of those models: delete staged keys with no raw row left (delete+insert only replaces
    the keys it inserts). With a window only keys staged from a window date are checked. -#}
{% macro delete_keys_gone_from_raw(source_relation, keys) -%}
    {%- if is_incremental() -%}
    delete from {{ this }} as staged
    where {{ pilotage.business_date_window('business_date') }}
        and not exists (
            select 1
            from {{ source_relation }} as raw_rows
            where {% for key in keys -%}
                raw_rows.{{ key }} is not distinct from staged.{{ key }}{{ ' and ' if not loop.last }}
            {%- endfor %}
        )
    {%- endif -%}
{%- endmacro %}
