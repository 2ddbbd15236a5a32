{#-
    Custom schemas are used as-is: a model configured with +schema: staging lands in schema
    "staging" (not "<target schema>_staging"). Nodes without a custom schema (tests that store
    failures, unit-test fixtures) use the target schema. On Postgres (the server warehouse) the
    marts are built into "marts_build"; pilotage.server_publish swaps a copy in as "marts", the
    schema readers query.
-#}
{% macro generate_schema_name(custom_schema_name, node) -%}
    {%- if custom_schema_name is none -%}
        {{ target.schema }}
    {%- elif target.type == 'postgres' and custom_schema_name | trim == 'marts' -%}
        marts_build
    {%- else -%}
        {{ custom_schema_name | trim }}
    {%- endif -%}
{%- endmacro %}
