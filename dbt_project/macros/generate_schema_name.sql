{#-
    Custom schemas are used as-is: a model configured with +schema: staging lands in schema
    "staging" (not "<target schema>_staging"). Nodes without a custom schema (tests that store
    failures, unit-test fixtures) use the target schema.
-#}
{% macro generate_schema_name(custom_schema_name, node) -%}
    {%- if custom_schema_name is none -%}
        {{ target.schema }}
    {%- else -%}
        {{ custom_schema_name | trim }}
    {%- endif -%}
{%- endmacro %}
