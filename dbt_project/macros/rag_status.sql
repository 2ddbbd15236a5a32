{#-
    RAG status of a KPI against its target (SQL expression returning 'green' | 'amber' | 'red' | 'grey'):
      green = target met (actual >= target when higher is better, <= when lower is better);
      amber = missed by at most `tolerance` (absolute, in the KPI's unit);
      red   = missed by more than the tolerance;
      grey  = nothing to judge: no target, no actual, or a neutral KPI (higher_is_better null).
    Boundaries count in the better status (actual = target is green; a miss of exactly the
    tolerance is amber). `epsilon` absorbs binary floating-point noise (0.80 - 0.02 is
    0.7800000000000001 in double precision) so a value printed equal to a boundary is judged as
    equal to it. A null tolerance means 0 (no amber band).
-#}
{% macro rag_status(actual, target, tolerance, higher_is_better, epsilon=1e-9) -%}
    case
        when {{ target }} is null or {{ actual }} is null or {{ higher_is_better }} is null then 'grey'
        when {{ higher_is_better }} and {{ actual }} >= {{ target }} - {{ epsilon }} then 'green'
        when not {{ higher_is_better }} and {{ actual }} <= {{ target }} + {{ epsilon }} then 'green'
        when {{ higher_is_better }}
            and {{ actual }} >= {{ target }} - coalesce({{ tolerance }}, 0) - {{ epsilon }} then 'amber'
        when not {{ higher_is_better }}
            and {{ actual }} <= {{ target }} + coalesce({{ tolerance }}, 0) + {{ epsilon }} then 'amber'
        else 'red'
    end
{%- endmacro %}

{#- The accepted values of rag_status, for tests and packs. -#}
{% macro rag_status_values() -%}
    {{ return(['green', 'amber', 'red', 'grey']) }}
{%- endmacro %}

{#-
    Candidate targets of seed kpi_targets for the KPI rows of relation `rows` (columns kpi_id,
    period_start, provider_id, plus the site and queue columns when given), ranked so that
    rank 1 is the target that applies:
      1. valid on the period's first day (valid_from <= period_start <= valid_to, open-ended when
         valid_to is null);
      2. scope: `*` matches any value; a row aggregated over a dimension carries 'ALL' there and
         therefore only matches `*`; rows without a site / queue dimension (site_column or
         queue_column none) only match `*` on it;
      3. order: the most specific scope first (queue 4 + site 2 + provider 1 points), then the
         grain listed first in `grains` (the mart's own grain before its fallbacks: a queue's
         month target beats a generic week target on a weekly row, a generic week target beats a
         generic month target), then the latest valid_from, then target_id (deterministic).
    Returns a select of: the row keys (`keys` + period_start + kpi_id), target_id, target_value,
    tolerance, priority, target_rank.
-#}
{% macro rag_target_candidates(rows, keys, grains, site_column='site_id', queue_column='queue_name') -%}
    {%- set site_expr = ("rows." ~ site_column) if site_column else "'ALL'" -%}
    {%- set queue_expr = ("rows." ~ queue_column) if queue_column else "'ALL'" -%}
    select
        {% for key in keys -%}
        rows.{{ key }},
        {% endfor -%}
        rows.period_start,
        rows.kpi_id,
        targets.target_id,
        targets.target_value,
        targets.tolerance,
        targets.priority,
        row_number() over (
            partition by {% for key in keys %}rows.{{ key }}, {% endfor %}rows.period_start, rows.kpi_id
            order by
                (case when targets.queue_name <> '*' then 4 else 0 end)
                + (case when targets.site_id <> '*' then 2 else 0 end)
                + (case when targets.provider_id <> '*' then 1 else 0 end) desc,
                case targets.period_grain
                    {% for grain in grains -%}
                    when '{{ grain }}' then {{ loop.index }}
                    {% endfor -%}
                end,
                targets.valid_from desc,
                targets.target_id
        ) as target_rank
    from {{ rows }} as rows
    inner join {{ ref('kpi_targets') }} as targets
        on targets.kpi_id = rows.kpi_id
        and targets.period_grain in ({% for grain in grains %}'{{ grain }}'{% if not loop.last %}, {% endif %}{% endfor %})
        and rows.period_start >= targets.valid_from
        and (targets.valid_to is null or rows.period_start <= targets.valid_to)
        and (targets.provider_id = '*' or targets.provider_id = rows.provider_id)
        and (targets.site_id = '*' or targets.site_id = {{ site_expr }})
        and (targets.queue_name = '*' or targets.queue_name = {{ queue_expr }})
{%- endmacro %}
