{#-
    Pseudonymous key of an identifier (customer id, case number): hex HMAC-SHA-256 under the
    project's secret key, null stays null. An unsalted hash of a short id (CUS + 8 digits) is
    reversed by hashing every candidate; a keyed hash is not, without the key.
    On DuckDB the function pilotage_keyed_hash() is registered by the dbt-duckdb plugin
    pilotage.dbt_plugin (profiles.yml), which reads the key from the environment: the key never
    appears in compiled SQL. Models calling it are tables, so nothing outside dbt needs the function.
    On Postgres: pgcrypto's hmac() under the session setting pilotage.hash_key, which
    pilotage.transform hands to dbt's connections through PGOPTIONS (see pilotage.server_publish).
-#}
{% macro keyed_hash(expression) -%}
    {{ return(adapter.dispatch('keyed_hash', 'pilotage')(expression)) }}
{%- endmacro %}

{% macro default__keyed_hash(expression) -%}
    {{ exceptions.raise_compiler_error("keyed_hash: no keyed hash function for adapter " ~ adapter.type()) }}
{%- endmacro %}

{% macro duckdb__keyed_hash(expression) -%}
    pilotage_keyed_hash(cast({{ expression }} as {{ dbt.type_string() }}))
{%- endmacro %}

{% macro postgres__keyed_hash(expression) -%}
    encode(hmac(
        convert_to(cast({{ expression }} as {{ dbt.type_string() }}), 'UTF8'),
        convert_to(current_setting('pilotage.hash_key'), 'UTF8'),
        'sha256'
    ), 'hex')
{%- endmacro %}
