{#- Portable column types. Models cast with dbt's cross-database type macros
    (dbt.type_string(), type_int(), type_bigint(), type_float(), type_boolean(),
    type_timestamp()); `date` and `time` are standard SQL and stay literal.

    dbt.type_float() resolves to the adapter's `float`, which is double precision on Postgres,
    Snowflake, Redshift and BigQuery (FLOAT64) but the 4-byte REAL on DuckDB: on DuckDB this
    project's float is DOUBLE. dbt dispatches its `dbt` namespace to the root project first, so
    this macro overrides the adapter's default.

    Contracts: schema YAML is rendered without macros (only var, env_var and target), so a
    contract's data_type uses dbt's type labels, which dbt aliases to the adapter's type
    (string, integer, bigint, boolean, date, timestamp), and for floats the expression
    "{{ 'double' if target.type == 'duckdb' else 'float' }}", the same choice as this macro. -#}
{% macro duckdb__type_float() -%}
    {{ return('double') }}
{%- endmacro %}
