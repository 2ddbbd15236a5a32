{#-
    Overrides dbt's get_where_subquery (the relation every generic data test reads). In a build
    with a window (vars date_from / date_to), a test on a model that declares a business_date
    column reads only the window's business dates: the daily run tests the days it rebuilt, not
    the whole history again. A `unique` test reads instead the rows, of any date, of the values
    its column takes on the window's dates: a key the window rebuilt but left behind on an older
    day (an evaluation re-submitted on a later day) is a duplicate the window alone hides; a
    semi-join on one column. Without a window (a full build, `make test`) every row is tested.
    The test's own `where` config still applies on top.
-#}
{% macro get_where_subquery(relation) -%}
    {%- set where = config.get('where', '') -%}
    {%- set bounds = business_date_bounds() if execute else none -%}
    {%- set tested = graph.nodes.get(model.attached_node) if (bounds is not none and model.attached_node) else none -%}
    {%- set scoped = tested is not none and tested.resource_type == 'model'
        and 'business_date' in tested.columns -%}
    {%- set test = model.get('test_metadata') or {} -%}
    {%- set unique_column = (test.get('kwargs') or {}).get('column_name') if test.get('name') == 'unique' else none -%}
    {%- set predicates = [] -%}
    {%- if scoped -%}
        {%- set window = "business_date between cast('" ~ bounds[0] ~ "' as date) and cast('"
            ~ bounds[1] ~ "' as date)" -%}
        {%- if unique_column -%}
            {%- do predicates.append(unique_column ~ ' in (select ' ~ unique_column ~ ' from '
                ~ relation ~ ' where ' ~ window ~ ')') -%}
        {%- else -%}
            {%- do predicates.append(window) -%}
        {%- endif -%}
    {%- endif -%}
    {%- if where -%}
        {%- do predicates.append('(' ~ where ~ ')') -%}
    {%- endif -%}
    {%- if predicates -%}
        {%- do return('(select * from ' ~ relation ~ ' where ' ~ predicates | join(' and ') ~ ') dbt_subquery') -%}
    {%- endif -%}
    {%- do return(relation) -%}
{%- endmacro %}
