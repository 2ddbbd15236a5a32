{#-
    The evaluation of each calibration session x contact x evaluator that counts: the latest
    submitted (submitted_at, then evaluation_id, descending). Select of every column of
    `evaluations` (calibration evaluations of fct_evaluations) plus:
      contact_provider_id = the evaluation's provider, else the provider of the contact's queue
                            (`queues`, seed queues);
      is_reference        = calibration_role is 'reference' (a missing role is a participant).
-#}
{% macro calibration_latest_evaluations(evaluations='evaluations', queues='queues') -%}
    select
        evaluations_ranked.*,
        coalesce(evaluations_ranked.provider_id, {{ queues }}.provider_id) as contact_provider_id,
        coalesce(evaluations_ranked.calibration_role, 'participant') = 'reference' as is_reference
    from (
        select
            {{ evaluations }}.*,
            row_number() over (
                partition by calibration_session_id, contact_id, evaluator_id
                order by submitted_at desc, evaluation_id desc
            ) as submission_rank
        from {{ evaluations }}
    ) as evaluations_ranked
    left join {{ queues }}
        on evaluations_ranked.queue_name = {{ queues }}.queue_name
    where evaluations_ranked.submission_rank = 1
{%- endmacro %}
