with

evaluations as (

    select * from {{ ref('stg_qa__evaluations') }}

),

contacts as (

    select * from {{ ref('stg_acd__contacts') }}

),

agents as (

    select * from {{ ref('int_agent_days_versioned_from_roster') }}

),

joined as (

    select
        evaluations.evaluation_id,
        evaluations.business_date,
        evaluations.submitted_at,
        evaluations.submitted_date_local,
        evaluations.contact_id,
        contacts.business_date as contact_business_date,
        contacts.queue_name,
        contacts.channel,
        agents.agent_id,
        agents.provider_id,
        agents.site_id,
        agents.team_id,
        evaluations.evaluator_id,
        evaluations.form_title,
        evaluations.form_version,
        evaluations.is_calibration,
        evaluations.calibration_session_id,
        evaluations.calibration_role,
        evaluations.score_percentage

    from evaluations
    left join contacts
        on evaluations.contact_id = contacts.contact_id
    left join agents
        on evaluations.agent_username = agents.acd_username
        and {{ as_of_snapshot('agents', 'evaluations.business_date') }}

)

select * from joined
