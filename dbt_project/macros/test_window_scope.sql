{#-
    Overrides dbt's get_where_subquery (the relation every generic data test reads). In a build
    with a window (vars date_from / date_to), a test on a model that declares a business_date
    column reads only the window's business dates: the daily run tests the days it rebuilt, not
    the whole history again. Without a window (a full build, `make test`) every row is tested.
    The test's own `where` config still applies on top.
-#}
{% macro get_where_subquery(relation) -%}
    {%- set where = config.get('where', '') -%}
    {%- set bounds = business_date_bounds() if execute else none -%}
    {%- set tested = graph.nodes.get(model.attached_node) if (bounds is not none and model.attached_node) else none -%}
    {%- set scoped = tested is not none and tested.resource_type == 'model'
        and 'business_date' in tested.columns -%}
    {%- set predicates = [] -%}
    {%- if scoped -%}
        {%- do predicates.append("business_date between cast('" ~ bounds[0] ~ "' as date) and cast('"
            ~ bounds[1] ~ "' as date)") -%}
    {%- endif -%}
    {%- if where -%}
        {%- do predicates.append('(' ~ where ~ ')') -%}
    {%- endif -%}
    {%- if predicates -%}
        {%- do return('(select * from ' ~ relation ~ ' where ' ~ predicates | join(' and ') ~ ') dbt_subquery') -%}
    {%- endif -%}
    {%- do return(relation) -%}
{%- endmacro %}
