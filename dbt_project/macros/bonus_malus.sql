{#-
    True when `actual` falls in the bonus/malus band [band_min, band_max) of seed
    contract_bonus_malus (null bound = unbounded). The lower bound is inclusive, the upper bound
    exclusive, so a value exactly on a boundary belongs to the band above it (service level 0.80
    is in [0.80, 0.85), not in [0.75, 0.80)); `epsilon` absorbs floating-point noise around the
    bounds.
-#}
{% macro bonus_malus_band_matches(actual, band_min, band_max, epsilon=1e-9) -%}
    (
        {{ actual }} is not null
        and ({{ band_min }} is null or {{ actual }} >= {{ band_min }} - {{ epsilon }})
        and ({{ band_max }} is null or {{ actual }} < {{ band_max }} - {{ epsilon }})
    )
{%- endmacro %}

{#- Invoice adjustment as a share (adjustment_pct is in percent: -3.0 = malus of 3 %). -#}
{% macro bonus_malus_share(adjustment_pct) -%}
    (cast({{ adjustment_pct }} as {{ dbt.type_float() }}) / 100.0)
{%- endmacro %}
