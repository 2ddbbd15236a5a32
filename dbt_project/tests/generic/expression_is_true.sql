{#-
    Generic test: every row of the model satisfies `expression` (a boolean SQL expression over
    its columns). Fails with the rows where the expression is false or null.
    Usage (model or column level):
        data_tests:
          - expression_is_true:
              arguments:
                expression: "not (is_answered and is_abandoned)"
-#}
{% test expression_is_true(model, expression, column_name=none) %}

select *
from {{ model }}
where not coalesce(({{ expression }}), false)

{% endtest %}
