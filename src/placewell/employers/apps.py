from django.apps import AppConfig


class EmployersConfig(AppConfig):
    name = "placewell.employers"
    label = "employers"
    verbose_name = "Employers and vacancies"

    def ready(self) -> None:
        from placewell.employers import demo
        from placewell.employers.services import erase_participant_employer_records
        from placewell.ui.extensions import register_demo_step, register_erasure_step

        register_demo_step("employers", demo.load_employers, order=70)
        register_erasure_step("employers", erase_participant_employer_records)
