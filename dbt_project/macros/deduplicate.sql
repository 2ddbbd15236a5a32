{#-
    Keep one row per `partition_by` from the CTE/relation `relation`, the first in `order_by`
    order (e.g. latest last_updated_at, then highest _row_number). Adds no column: the ranking
    column `_dedupe_rank` is exposed and must be left out by the caller's explicit column list.
    Portable (no QUALIFY).
-#}
{% macro deduplicate(relation, partition_by, order_by) -%}
    select *
    from (
        select
            {{ relation }}.*,
            row_number() over (
                partition by {{ partition_by }}
                order by {{ order_by }}
            ) as _dedupe_rank
        from {{ relation }}
    ) as ranked
    where _dedupe_rank = 1
{%- endmacro %}
