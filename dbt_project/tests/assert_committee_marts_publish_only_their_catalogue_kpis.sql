{#- Topics do not repeat between committees: every KPI a committee mart publishes is an available
    KPI of seed kpi_catalogue whose `committees` list names that committee. Returns the offending
    (mart, kpi_id) pairs. -#}

{%- set marts = [
    ('production', 'mart_production_weekly'),
    ('quality', 'mart_quality_monthly'),
    ('calibration', 'mart_calibration_monthly'),
    ('steering', 'mart_steering_monthly'),
    ('strategic', 'mart_strategic_semiannual'),
] -%}

with

published as (

    {% for committee, model in marts -%}
        select distinct
            '{{ committee }}' as committee,
            '{{ model }}' as mart,
            kpi_id
        from {{ ref(model) }}
        {% if not loop.last %}union all{% endif %}
    {% endfor %}

),

catalogue as (

    select * from {{ ref('kpi_catalogue') }}

)

select published.*
from published
left join catalogue
    on catalogue.kpi_id = published.kpi_id
where catalogue.kpi_id is null
    or not catalogue.available
    or ';' || catalogue.committees || ';' not like '%;' || published.committee || ';%'
