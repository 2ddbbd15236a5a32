-- The Erlang C macros reproduce the textbook reference within +/- 0.001 (Call Centre Helper
-- style): 100 calls per 30 minutes with AHT 180 s -> A = 10 Erlangs; 11 agents -> probability
-- of waiting 0.682; 14 agents -> 88.8 % answered within 20 s; 14 agents needed for 80 % in 20 s.
-- Also: no traffic -> SL 1, 0 agents; as many agents as Erlangs -> everyone waits.
-- Returns the failing checks.

with

checks as (

    select
        'wait probability, A = 10, N = 11' as check_name,
        {{ erlang_c_wait_probability('10.0', '11') }} as actual,  -- noqa: PRS
        0.682 as expected,
        0.001 as tolerance
    union all
    select
        'service level 20 s, A = 10, N = 14, AHT 180 s' as check_name,
        {{ erlang_c_service_level('100 * 180.0 / 1800', '14', '20', '180') }} as actual,  -- noqa: PRS
        0.888 as expected,
        0.001 as tolerance
    union all
    select
        'required agents 80 % in 20 s, A = 10, AHT 180 s' as check_name,
        {{ erlang_c_required_agents('10.0', '20', '180', '0.8') }} as actual,  -- noqa: PRS
        14 as expected,
        0 as tolerance
    union all
    select
        'required agents 90 % in 20 s, A = 10, AHT 180 s' as check_name,
        {{ erlang_c_required_agents('10.0', '20', '180', '0.9') }} as actual,  -- noqa: PRS
        15 as expected,
        0 as tolerance
    union all
    select
        'no traffic: service level 1' as check_name,
        {{ erlang_c_service_level('0.0', '3', '20', '180') }} as actual,  -- noqa: PRS
        1 as expected,
        0 as tolerance
    union all
    select
        'no traffic: 0 agents needed' as check_name,
        {{ erlang_c_required_agents('0.0', '20', '180', '0.8') }} as actual,  -- noqa: PRS
        0 as expected,
        0 as tolerance
    union all
    select
        'N = A: probability of waiting 1' as check_name,
        {{ erlang_c_wait_probability('10.0', '10') }} as actual,  -- noqa: PRS
        1 as expected,
        0 as tolerance

)

select *
from checks
where actual is null
    or abs(actual - expected) > tolerance
