-- fct_agent_days attributes each agent-day to the team of the dim_agent version valid on that
-- business date (valid_from <= date < valid_to), so a team move never re-attributes past days.
-- Returns the agent-days whose team differs from that version's (or that have no version while
-- the agent has one covering the date).

with

agent_days as (

    select * from {{ ref('fct_agent_days') }}

),

agents as (

    select * from {{ ref('dim_agent') }}

)

select
    agent_days.agent_id,
    agent_days.business_date,
    agent_days.team_id,
    agents.team_id as dim_agent_team_id
from agent_days
left join agents
    on agent_days.agent_id = agents.agent_id
    and agent_days.business_date >= agents.valid_from
    and (agents.valid_to is null or agent_days.business_date < agents.valid_to)
where coalesce(agent_days.team_id, '') <> coalesce(agents.team_id, '')
