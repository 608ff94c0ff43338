from __future__ import annotations

from rest_framework import serializers

from annotations.entities import create_entity, update_entity
from annotations.kb import InvalidEntity, clean_entity
from annotations.models import Entity, EntityType, Mention, MentionOrigin, MentionSide


class EntitySerializer(serializers.ModelSerializer):
    type = serializers.ChoiceField(choices=EntityType.values)
    aliases_en = serializers.ListField(child=serializers.CharField(max_length=300), required=False)
    aliases_fa = serializers.ListField(child=serializers.CharField(max_length=300), required=False)
    mention_count = serializers.IntegerField(read_only=True, default=0)

    class Meta:
        model = Entity
        fields = (
            "id",
            "name_en",
            "name_fa",
            "type",
            "aliases_en",
            "aliases_fa",
            "wikidata_id",
            "notes",
            "mention_count",
        )
        # Uniqueness is checked in validate(), with a message that says which rule.
        validators = []

    def validate(self, data: dict) -> dict:
        merged = {
            field: getattr(self.instance, field)
            for field in ("name_en", "name_fa", "type", "aliases_en", "aliases_fa", "wikidata_id")
            if self.instance is not None
        }
        merged.update(data)
        try:
            cleaned = clean_entity(merged)
        except InvalidEntity as error:
            raise serializers.ValidationError(str(error)) from None
        clash = Entity.objects.filter(type=cleaned["type"], name_en=cleaned["name_en"])
        if cleaned["wikidata_id"]:
            clash = clash | Entity.objects.filter(wikidata_id=cleaned["wikidata_id"])
        if self.instance is not None:
            clash = clash.exclude(pk=self.instance.pk)
        if clash.exists():
            raise serializers.ValidationError(
                "An entity with this type and English name, or this Wikidata id, exists."
            )
        cleaned["notes"] = data.get("notes", getattr(self.instance, "notes", ""))
        return cleaned

    def create(self, validated_data: dict) -> Entity:
        return create_entity(**validated_data)

    def update(self, instance: Entity, validated_data: dict) -> Entity:
        return update_entity(instance, **validated_data)


class MentionSerializer(serializers.ModelSerializer):
    side = serializers.ChoiceField(choices=MentionSide.values)
    type = serializers.ChoiceField(choices=EntityType.values, required=False)
    origin = serializers.ChoiceField(choices=MentionOrigin.values, required=False)
    text = serializers.CharField(trim_whitespace=False)
    entity_name = serializers.CharField(source="entity.name_en", read_only=True, default=None)

    class Meta:
        model = Mention
        fields = (
            "id",
            "segment",
            "side",
            "start",
            "end",
            "text",
            "entity",
            "entity_name",
            "type",
            "origin",
            "needs_review",
        )
        read_only_fields = ("needs_review",)
        # The service decides about duplicates (tagging a suggestion accepts it).
        validators = []


class MentionUpdateSerializer(serializers.Serializer):
    start = serializers.IntegerField(min_value=0, required=False)
    end = serializers.IntegerField(min_value=1, required=False)
    text = serializers.CharField(trim_whitespace=False, required=False)
    entity = serializers.PrimaryKeyRelatedField(
        queryset=Entity.objects.all(), allow_null=True, required=False
    )
    type = serializers.ChoiceField(choices=EntityType.values, required=False)
    origin = serializers.ChoiceField(
        choices=[MentionOrigin.MANUAL, MentionOrigin.ACCEPTED], required=False
    )
    needs_review = serializers.BooleanField(required=False)


class SuggestResultSerializer(serializers.Serializer):
    suggested = serializers.IntegerField()


class AcceptResultSerializer(serializers.Serializer):
    accepted = serializers.IntegerField()


class TagAllResultSerializer(serializers.Serializer):
    tagged = serializers.IntegerField()


class TagAllSerializer(serializers.Serializer):
    side = serializers.ChoiceField(choices=MentionSide.values)
    text = serializers.CharField(trim_whitespace=False, max_length=300)
    entity = serializers.PrimaryKeyRelatedField(queryset=Entity.objects.all())


class AcceptSerializer(serializers.Serializer):
    entity = serializers.PrimaryKeyRelatedField(
        queryset=Entity.objects.all(), required=False, allow_null=True
    )
