{#-
    Incremental staging of a de-duplicated source (stg_acd__contacts, stg_crm__cases,
    stg_crm__surveys: tables because of the keyed hash). A window run re-ranks only the keys whose
    raw can have changed: keys with a raw row of a changed date, and keys staged from a changed
    date (their winning row may have left raw). The changed dates are raw_changed_bounds: the
    run's own days (a run's loads replace the raw of its own days only), not the late-arrival
    days before them; a manual --vars window treats every window day as changed. Every raw row of
    those keys is read, whatever its business date, so the winner is the one a full rebuild picks.
    Without a window, or on the first build / --full-refresh, every key is ranked.
    Why that is exact: assume the staged table is what a full ranking of raw gave before the
    run's loads, and that those loads replaced raw rows of changed dates only. A key's staged row
    is its winning raw row (a total order: ties go to the later file and row) with that row's
    business_date, a function of the key's raw rows alone; so only a key that had or has a raw
    row of a changed date can change.
    - It has one now: re-ranked over all its rows (first branch). A winner that moves from an
      older day to a changed day replaces the old staged row (delete+insert on the key).
    - It had one but has none now, and its staged winner was on a changed date: re-ranked
      (second branch) over the rows left, so a winner withdrawn by a re-delivered day falls back
      to the older day's version; with no row left at all (a key gone from raw, its rows all on
      changed dates) the post-hook deletes it.
    - It had one but has none now, and its winner was on an unchanged date: that row is still in
      raw and still ranks first (only rows it beat were removed): the staged row stays right.
    A backfill re-delivering older days is a run whose own days are those days: the same
    argument with those dates. A day loaded but left unbuilt (its build failed, or the load was
    wider than the build) stays in raw._unbuilt_days until a successful build has it among its
    own days: the production build starts its own days at the earliest of them
    (pilotage.unbuilt_days), so the assumption holds without re-running the failed run.
-#}
{% macro staged_keys_source(relation, keys) -%}
    {%- if is_incremental() and pilotage.raw_changed_bounds() is not none -%}
    select candidate.*
    from {{ relation }} as candidate
    where exists (
        select 1
        from (
            select {{ keys | join(', ') }}
            from {{ relation }}
            where {{ pilotage.raw_changed_window('_business_date') }}
            union
            select {{ keys | join(', ') }}
            from {{ this }}
            where {{ pilotage.raw_changed_window('business_date') }}
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
    the keys it inserts). With a window only keys staged from a changed date (raw_changed_bounds)
    are checked: a key gone from raw had its last rows, its winner among them, on changed dates. -#}
{% macro delete_keys_gone_from_raw(source_relation, keys) -%}
    {%- if is_incremental() -%}
    delete from {{ this }} as staged
    where {{ pilotage.raw_changed_window('business_date') }}
        and not exists (
            select 1
            from {{ source_relation }} as raw_rows
            where {% for key in keys -%}
                raw_rows.{{ key }} is not distinct from staged.{{ key }}{{ ' and ' if not loop.last }}
            {%- endfor %}
        )
    {%- endif -%}
{%- endmacro %}
