"""The only things that cross threads: commands to the worker and events from it.
Import as `from engine.runtime import protocol as m` and use m.Train, m.ModelChanged, ..."""
from engine.runtime.protocol.commands import (
    Command, LoadModel, SaveModel, Train, Sample, Diffuse, Drift, DriftSeries, Evaluate, Cancel,
    SampleProduct, LogDensityGrid, Inpaint, Denoise, DataImages, EntropyRequest, MakeData,
    TrainNamed)
from engine.runtime.protocol.commands import (
    CompareOpen, CompareTrain, CompareSample, CompareDiffuse, CompareEvaluate, CompareClose)
from engine.runtime.protocol.events import (
    Event, JobStarted, JobFinished, JobFailed, ModelChanged, TrainProgress, Trajectory, SampleStep,
    DriftField, BoundResult, ProductStep, ProductTrajectory, LogDensityMap, PosteriorFrame,
    PosteriorResult, DataImagesReady, EntropyCurve, AisEstimate, DataReady)
from engine.runtime.protocol.workspaces import OpenWorkspaceModel, SaveWorkspace
from engine.runtime.protocol.events import (
    CompareChanged, CompareTrajectory, CompareBound, CompareProgress, CompareClosed)

__all__ = [
    "Command", "LoadModel", "SaveModel", "Train", "Sample", "Diffuse", "Drift", "DriftSeries",
    "Evaluate", "Cancel", "SampleProduct", "LogDensityGrid", "Inpaint", "Denoise", "DataImages",
    "EntropyRequest", "MakeData", "TrainNamed", "Event", "JobStarted", "JobFinished", "JobFailed",
    "ModelChanged", "TrainProgress", "Trajectory", "SampleStep", "DriftField", "BoundResult",
    "ProductStep", "ProductTrajectory", "LogDensityMap", "PosteriorFrame", "PosteriorResult",
    "DataImagesReady", "EntropyCurve", "AisEstimate", "DataReady",
    "CompareOpen", "CompareTrain", "CompareSample", "CompareDiffuse", "CompareEvaluate", "CompareClose",
    "CompareChanged", "CompareTrajectory", "CompareBound", "CompareProgress", "CompareClosed",
    "SaveWorkspace", "OpenWorkspaceModel"]
