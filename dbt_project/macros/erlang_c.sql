{#-
    Erlang C staffing maths as SQL expressions (no UDF, no package).

    Notation: traffic A = contacts x AHT / interval length (Erlangs), agents N (integer servers),
    threshold T and AHT in seconds.

      Erlang B, stable recursion   B(0) = 1, B(n) = A.B(n-1) / (n + A.B(n-1))
      Erlang C (wait probability)  C = N.B / (N - A.(1 - B))            when N > A, else 1
      service level                SL = 1 - C.exp(-(N - A).T / AHT)       when N > A, else 0
      required agents              smallest N > A with SL >= target

    Conventions at the edges: A <= 0 (no traffic) -> C = 0, SL = 1, required agents = 0;
    N <= A (the queue never empties) -> C = 1, SL = 0. Null inputs give null.

    Reference (Call Centre Helper style, unit- and data-tested): 100 calls per 30 min with AHT
    180 s -> A = 10 Erlangs; 11 agents -> C = 0.682; 14 agents -> SL(20 s) = 0.888;
    required agents for 80 % in 20 s = 14.

    DuckDB evaluates the recursion with list_reduce over [1.0 (= B(0)), 1, 2, ..., N]; the default
    implementation (Postgres and other warehouses with correlated recursive CTEs) walks the same
    recursion in a scalar subquery. Expressions passed in are repeated inside the generated SQL:
    pass columns or cheap expressions.
-#}

{#- Erlang B blocking probability B(N, A). -#}
{% macro erlang_b_blocking_probability(traffic, agents) -%}
    {{ return(adapter.dispatch('erlang_b_blocking_probability', 'pilotage')(traffic, agents)) }}
{%- endmacro %}

{% macro duckdb__erlang_b_blocking_probability(traffic, agents) -%}
    list_reduce(
        list_prepend(
            cast(1.0 as {{ dbt.type_float() }}),
            cast(range(1, cast({{ agents }} as {{ dbt.type_bigint() }}) + 1) as {{ dbt.type_float() }}[])
        ),
        lambda erl_b, erl_n: ({{ traffic }}) * erl_b / (erl_n + ({{ traffic }}) * erl_b)
    )
{%- endmacro %}

{% macro default__erlang_b_blocking_probability(traffic, agents) -%}
    (
        with recursive erlang_b (erl_n, erl_b) as (
            select 0, cast(1.0 as {{ dbt.type_float() }})
            union all
            select
                erl_n + 1,
                ({{ traffic }}) * erl_b / (erl_n + 1 + ({{ traffic }}) * erl_b)
            from erlang_b
            where erl_n < cast({{ agents }} as {{ dbt.type_int() }})
        )
        select erl_b from erlang_b where erl_n = cast({{ agents }} as {{ dbt.type_int() }})
    )
{%- endmacro %}


{#- Probability that a contact waits, C(N, A). `agents` is truncated to an integer. -#}
{% macro erlang_c_wait_probability(traffic, agents) -%}
    {%- set a = '(cast(' ~ traffic ~ ' as ' ~ dbt.type_float() ~ '))' -%}
    {%- set n = '(floor(cast(' ~ agents ~ ' as ' ~ dbt.type_float() ~ ')))' -%}
    {%- set b = erlang_b_blocking_probability(a, n) -%}
    (case
        when {{ a }} is null or {{ n }} is null then null
        when {{ a }} <= 0 then cast(0.0 as {{ dbt.type_float() }})
        when {{ n }} <= {{ a }} then cast(1.0 as {{ dbt.type_float() }})
        else {{ n }} * {{ b }} / ({{ n }} - {{ a }} * (1 - {{ b }}))
    end)
{%- endmacro %}


{#- Share of contacts answered within `threshold_s` seconds with `agents` agents. -#}
{% macro erlang_c_service_level(traffic, agents, threshold_s, aht_s) -%}
    {%- set a = '(cast(' ~ traffic ~ ' as ' ~ dbt.type_float() ~ '))' -%}
    {%- set n = '(floor(cast(' ~ agents ~ ' as ' ~ dbt.type_float() ~ ')))' -%}
    {%- set t = '(cast(' ~ threshold_s ~ ' as ' ~ dbt.type_float() ~ '))' -%}
    {%- set h = '(cast(' ~ aht_s ~ ' as ' ~ dbt.type_float() ~ '))' -%}
    (case
        when {{ a }} is null or {{ n }} is null or {{ t }} is null then null
        when {{ a }} <= 0 then cast(1.0 as {{ dbt.type_float() }})
        when {{ n }} <= {{ a }} then cast(0.0 as {{ dbt.type_float() }})
        when {{ h }} is null or {{ h }} <= 0 then null
        else 1 - {{ erlang_c_wait_probability(a, n) }} * exp(-({{ n }} - {{ a }}) * {{ t }} / {{ h }})
    end)
{%- endmacro %}


{#-
    Smallest number of agents N > A whose Erlang C service level within `threshold_s` reaches
    `target` (a share, 0-1). The search stops at `max_agents_expr` (default ceil(A + 6.sqrt(A)) + 20,
    far above any real answer for targets up to 0.99); null when the target is not reached there
    or when AHT is missing.
-#}
{% macro erlang_c_required_agents(traffic, threshold_s, aht_s, target, max_agents_expr=none) -%}
    {%- set a = '(cast(' ~ traffic ~ ' as ' ~ dbt.type_float() ~ '))' -%}
    {%- set t = '(cast(' ~ threshold_s ~ ' as ' ~ dbt.type_float() ~ '))' -%}
    {%- set h = '(cast(' ~ aht_s ~ ' as ' ~ dbt.type_float() ~ '))' -%}
    {%- set g = '(cast(' ~ target ~ ' as ' ~ dbt.type_float() ~ '))' -%}
    {%- set cap = max_agents_expr or ('(cast(ceil(' ~ a ~ ' + 6 * sqrt(' ~ a ~ ')) as ' ~ dbt.type_int() ~ ') + 20)') -%}
    {{ return(adapter.dispatch('erlang_c_required_agents', 'pilotage')(a, t, h, g, cap)) }}
{%- endmacro %}

{#-
    DuckDB: one pass of the Erlang B recursion over k = 1..cap. The accumulator carries B(k-1)
    (always > 0) until the target is met at some k, then carries -k (a negative sentinel) to the
    end of the list: the answer is minus the final value.
-#}
{% macro duckdb__erlang_c_required_agents(a, t, h, g, cap) -%}
    {%- set b_k = '(' ~ a ~ ' * erl_acc / (erl_k + ' ~ a ~ ' * erl_acc))' -%}
    {%- set search -%}
        list_reduce(
            list_prepend(
                cast(1.0 as {{ dbt.type_float() }}),
                cast(range(1, cast({{ cap }} as {{ dbt.type_bigint() }}) + 1) as {{ dbt.type_float() }}[])
            ),
            lambda erl_acc, erl_k: case
                when erl_acc < 0 then erl_acc
                when erl_k > {{ a }}
                    and 1 - (erl_k * {{ b_k }} / (erl_k - {{ a }} * (1 - {{ b_k }})))
                        * exp(-(erl_k - {{ a }}) * {{ t }} / {{ h }}) >= {{ g }}
                    then -erl_k
                else {{ b_k }}
            end
        )
    {%- endset -%}
    {#- positive final value: target not reached below the cap -> null -#}
    (case
        when {{ a }} is null or {{ t }} is null or {{ g }} is null then null
        when {{ a }} <= 0 then 0
        when {{ h }} is null or {{ h }} <= 0 then null
        else cast(nullif(greatest(-({{ search }}), 0), 0) as {{ dbt.type_int() }})
    end)
{%- endmacro %}

{#- Other warehouses: the same search as a correlated recursive CTE. -#}
{% macro default__erlang_c_required_agents(a, t, h, g, cap) -%}
    (case
        when {{ a }} is null or {{ t }} is null or {{ g }} is null then null
        when {{ a }} <= 0 then 0
        when {{ h }} is null or {{ h }} <= 0 then null
        else (
            with recursive erlang_search (erl_k, erl_b) as (
                select 0, cast(1.0 as {{ dbt.type_float() }})
                union all
                select
                    erl_k + 1,
                    {{ a }} * erl_b / (erl_k + 1 + {{ a }} * erl_b)
                from erlang_search
                where erl_k < {{ cap }}
            )
            select cast(min(erl_k) as {{ dbt.type_int() }})
            from erlang_search
            where erl_k > {{ a }}
                and 1 - (erl_k * erl_b / (erl_k - {{ a }} * (1 - erl_b)))
                    * exp(-(erl_k - {{ a }}) * {{ t }} / {{ h }}) >= {{ g }}
        )
    end)
{%- endmacro %}
