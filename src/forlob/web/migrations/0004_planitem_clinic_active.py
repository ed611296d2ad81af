"""Plan items carry their course's clinic and active flag, so the worklist filters one
indexed table instead of joining the courses."""

import django.db.models.deletion
from django.db import migrations, models


def fill(apps, schema_editor):
    PlanItem = apps.get_model("forlob", "PlanItem")
    Course = apps.get_model("forlob", "Course")
    for course in Course.objects.only("id", "clinic_id", "status").iterator(chunk_size=2000):
        PlanItem.objects.filter(course_id=course.id).update(
            clinic_id=course.clinic_id, active=course.status == "active"
        )


class Migration(migrations.Migration):
    dependencies = [("forlob", "0003_course_findings")]

    operations = [
        migrations.RemoveIndex(model_name="planitem", name="forlob_plan_done_on_332d1f_idx"),
        migrations.AddField(
            model_name="planitem",
            name="active",
            field=models.BooleanField(default=True),
        ),
        migrations.AddField(
            model_name="planitem",
            name="clinic",
            field=models.ForeignKey(
                null=True,
                on_delete=django.db.models.deletion.CASCADE,
                related_name="+",
                to="forlob.clinic",
            ),
        ),
        migrations.RunPython(fill, migrations.RunPython.noop),
        migrations.AlterField(
            model_name="planitem",
            name="clinic",
            field=models.ForeignKey(
                on_delete=django.db.models.deletion.CASCADE, related_name="+", to="forlob.clinic"
            ),
        ),
        migrations.AddIndex(
            model_name="planitem",
            index=models.Index(
                fields=["clinic", "active", "done_on", "unreachable", "latest"],
                name="forlob_plan_clinic__active_idx",
            ),
        ),
    ]
