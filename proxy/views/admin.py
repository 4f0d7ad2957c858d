"""Operator endpoints for the model registry and tasks (DRF; operators only)."""

from django.db import transaction
from django.shortcuts import get_object_or_404
from drf_spectacular.utils import extend_schema, inline_serializer
from rest_framework import status
from rest_framework.request import Request
from rest_framework.response import Response
from rest_framework.views import APIView

from accounts.permissions import IsOperator
from proxy.models import LLMModel, Task
from proxy.serializers import LLMModelSerializer, TaskSerializer
from proxy.services.registry import model_delete, task_save
from usage.services import audit_record


def _models():
    return LLMModel.objects.prefetch_related("deployments")


class ModelListView(APIView):
    permission_classes = [IsOperator]
    serializer_class = LLMModelSerializer

    @extend_schema(
        operation_id="admin_models_list",
        responses=inline_serializer("LLMModelList", {"data": LLMModelSerializer(many=True)}),
    )
    def get(self, request: Request) -> Response:
        return Response({"data": LLMModelSerializer(_models(), many=True).data})

    def post(self, request: Request) -> Response:
        serializer = LLMModelSerializer(data=request.data)
        serializer.is_valid(raise_exception=True)
        with transaction.atomic():
            model = serializer.save()
            audit_record(action="model.create", actor=request.user, target=model, request=request)
        return Response(LLMModelSerializer(_models().get(pk=model.pk)).data, status=status.HTTP_201_CREATED)


class ModelDetailView(APIView):
    permission_classes = [IsOperator]
    serializer_class = LLMModelSerializer

    def get(self, request: Request, model_id: int) -> Response:
        return Response(LLMModelSerializer(get_object_or_404(_models(), pk=model_id)).data)

    def patch(self, request: Request, model_id: int) -> Response:
        return self._update(request, model_id, partial=True)

    def put(self, request: Request, model_id: int) -> Response:
        return self._update(request, model_id, partial=False)

    def _update(self, request: Request, model_id: int, *, partial: bool) -> Response:
        model = get_object_or_404(LLMModel, pk=model_id)
        serializer = LLMModelSerializer(model, data=request.data, partial=partial)
        serializer.is_valid(raise_exception=True)
        with transaction.atomic():
            model = serializer.save()
            changed = (
                sorted(k for k in request.data if k != "api_key") if isinstance(request.data, dict) else []
            )
            audit_record(
                action="model.update",
                actor=request.user,
                target=model,
                request=request,
                metadata={"fields": changed},
            )
        return Response(LLMModelSerializer(_models().get(pk=model.pk)).data)

    def delete(self, request: Request, model_id: int) -> Response:
        model = get_object_or_404(LLMModel, pk=model_id)
        with transaction.atomic():
            audit_record(
                action="model.delete",
                actor=request.user,
                target=model,
                request=request,
                metadata={"name": model.name},
            )
            model_delete(model=model)
        return Response(status=status.HTTP_204_NO_CONTENT)


class TaskListView(APIView):
    permission_classes = [IsOperator]
    serializer_class = TaskSerializer

    @extend_schema(
        operation_id="admin_tasks_list",
        responses=inline_serializer("TaskList", {"data": TaskSerializer(many=True)}),
    )
    def get(self, request: Request) -> Response:
        tasks = Task.objects.prefetch_related("assigned_users")
        return Response({"data": TaskSerializer(tasks, many=True).data})

    def post(self, request: Request) -> Response:
        serializer = TaskSerializer(data=request.data)
        serializer.is_valid(raise_exception=True)
        with transaction.atomic():
            task = task_save(task=Task(), data=dict(serializer.validated_data))
            audit_record(action="task.create", actor=request.user, target=task, request=request)
        return Response(TaskSerializer(task).data, status=status.HTTP_201_CREATED)


class TaskDetailView(APIView):
    permission_classes = [IsOperator]
    serializer_class = TaskSerializer

    def get(self, request: Request, task_id: int) -> Response:
        return Response(TaskSerializer(get_object_or_404(Task, pk=task_id)).data)

    def patch(self, request: Request, task_id: int) -> Response:
        task = get_object_or_404(Task, pk=task_id)
        serializer = TaskSerializer(task, data=request.data, partial=True)
        serializer.is_valid(raise_exception=True)
        with transaction.atomic():
            task = task_save(task=task, data=dict(serializer.validated_data))
            audit_record(action="task.update", actor=request.user, target=task, request=request)
        return Response(TaskSerializer(task).data)

    def delete(self, request: Request, task_id: int) -> Response:
        task = get_object_or_404(Task, pk=task_id)
        with transaction.atomic():
            task_save(task=task, data={"is_active": False})
            audit_record(action="task.deactivate", actor=request.user, target=task, request=request)
        return Response(status=status.HTTP_204_NO_CONTENT)
