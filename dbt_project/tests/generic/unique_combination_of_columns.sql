{#-
    Generic test: the combination of `columns` is unique (composite primary key / grain).
    Fails with one row per duplicated combination.
-#}
{% test unique_combination_of_columns(model, columns) %}

select
    {{ columns | join(', ') }},
    count(*) as row_count
from {{ model }}
group by {{ columns | join(', ') }}
having count(*) > 1

{% endtest %}
